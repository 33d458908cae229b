"""``streams bench``: what the pipeline costs on this machine, in-process and streamed.

- :mod:`.corpus` builds a corpus of any size from the sample pages (and the seed article), with
  distinct ids and varied bodies, deterministically, so every run and process sees the same one.
- :mod:`.stages` times every stage function in-process (ms per article, articles/s, tokens/s).
- :mod:`.streamed` runs the corpus through the real local broker with Faust workers, and through
  the plain-aiokafka peer loop (:mod:`.peer`), and measures throughput, latency, CPU and RSS.
- :mod:`.report` turns results into tables; the CLI prints them and writes JSON.

Figures come from runs on a shared, noisy machine: every rate is the median of several runs,
and ratios are taken between figures measured in the same invocation.
"""
