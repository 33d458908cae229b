"""HTTP views of every worker (on Faust's web server), the dashboard and Prometheus metrics.

``views`` registers the pages, ``cluster`` gathers what every worker's tables hold,
``metrics`` exports them (and Faust's own sensors) to Prometheus, ``terminal`` is
``streams tables``. The dashboard's HTML, JS and CSS are in ``static/``: no CDN, no libraries.
"""
