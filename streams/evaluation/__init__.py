"""Measuring the stages against hand-written gold: ``samples/wire`` and the sample articles."""
