"""The CAMeL Tools data-backed stages: clitics, morphology, NER, dialect and sentiment.

Each stage's ``load()`` raises :class:`StageUnavailable` (with a reason) when its data is not
installed. Import the stage modules themselves (``streams.nlp.camel.ner`` ...); this package
and :mod:`streams.nlp.camel.data` import neither camel_tools' data-backed modules nor torch.
"""

from streams.nlp.camel.data import (
    STAGES,
    Availability,
    DataInstallError,
    StageUnavailable,
    data_dir,
    data_status,
    install,
)

__all__ = [
    "STAGES",
    "Availability",
    "DataInstallError",
    "StageUnavailable",
    "data_dir",
    "data_status",
    "install",
]
