# Worker image: the streams package, CAMeL Tools and its data.
#   docker build -t arabic-news-streams .                          # camel_data -i light
#   docker build --build-arg CAMEL_DATA=defaults -t arabic-news-streams:full .
FROM python:3.11-slim

ARG CAMEL_DATA=light
# The CPU build of torch keeps the image a few GB smaller than PyPI's default CUDA build.
ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    CAMELTOOLS_DATA=/opt/camel_tools \
    STREAMS_DATA_DIR=/var/lib/streams \
    STREAMS_WEB_HOST=0.0.0.0

WORKDIR /app
COPY pyproject.toml README.md ./
COPY streams ./streams
RUN pip install --extra-index-url "$TORCH_INDEX" . \
 && camel_data -i "$CAMEL_DATA" \
 && streams data status

RUN useradd --system --home /var/lib/streams streams \
 && mkdir -p /var/lib/streams && chown streams /var/lib/streams
USER streams
EXPOSE 6066
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s \
  CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"STREAMS_WEB_PORT\",\"6066\")}/health/ready', timeout=2)"
CMD ["streams", "worker"]
