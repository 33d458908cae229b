"""Arabic news stream processor: Faust agents that segment and enrich Arabic news on Kafka."""

__version__ = "0.1.0"
