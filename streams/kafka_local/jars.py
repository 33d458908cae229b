"""The official Apache Kafka jars from Maven Central, resolved once into the user's cache."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from importlib import resources
from pathlib import Path

from ..settings import get_settings

logger = logging.getLogger(__name__)

# The Maven project naming the broker jars: package data, copied beside the resolved classpath
# (Maven may write next to its pom, and an installed package may be read-only).
POM_RESOURCE = "pom.xml"
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
# What Maven prints when it cannot reach a repository (DNS, refused, timeout, offline).
UNREACHABLE = (
    "Could not transfer",
    "UnknownHost",
    "Connection refused",
    "Network is unreachable",
    "timed out",
    "Could not resolve",
    "No plugin found for prefix",
)


class LocalKafkaError(RuntimeError):
    """The local broker could not be prepared, started or stopped; the message says why."""


def kafka_version() -> str:
    """The Kafka release to run (``STREAMS_KAFKA_VERSION``)."""
    return get_settings().kafka_version


def cache_dir() -> Path:
    """Where the Kafka jars' classpath is cached (``STREAMS_CACHE_DIR``)."""
    return get_settings().cache_root


def require(tool: str, hint: str) -> str:
    path = shutil.which(tool)
    if not path:
        raise LocalKafkaError(f"{tool} was not found on PATH. {hint}")
    return path


def require_java() -> str:
    """The java binary, checked to be 17 or newer (Apache Kafka 4.x needs it)."""
    java = require(
        "java",
        "Java 17 or newer is needed to run Apache Kafka 4.x "
        "(Debian: apt-get install openjdk-17-jre-headless).",
    )
    if _java_major(java) < 17:
        raise LocalKafkaError(
            "Apache Kafka 4.x needs Java 17 or newer; `java -version` reports older"
        )
    return java


def _java_major(java: str) -> int:
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    text = out.stderr + out.stdout
    for token in text.replace('"', " ").split():
        head = token.split(".")[0]
        if head.isdigit() and int(head) >= 1:
            major = int(head)
            return int(token.split(".")[1]) if major == 1 else major
    raise LocalKafkaError(f"could not read the Java version from: {text.strip()[:200]}")


def resolve_classpath(version: str | None = None) -> str:
    """The broker's runtime classpath, resolved with Maven once and cached per Kafka version."""
    version = version or kafka_version()
    target = cache_dir() / f"kafka-{version}" / "classpath.txt"
    if target.exists():
        classpath = target.read_text().strip()
        if classpath and all(Path(jar).exists() for jar in classpath.split(os.pathsep)):
            return classpath
    mvn = require(
        "mvn", "Apache Maven is needed to fetch the Kafka jars (Debian: apt-get install maven)."
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    logger.info("resolving Apache Kafka %s jars from Maven Central", version)
    pom = target.parent / POM_RESOURCE
    pom.write_bytes(resources.files(__package__).joinpath(POM_RESOURCE).read_bytes())
    command = [
        mvn,
        "-B",
        "-q",
        "-f",
        str(pom),
        DEPENDENCY_PLUGIN + ":build-classpath",
        f"-Dmdep.outputFile={target}",
        f"-Dkafka.version={version}",
    ]
    # A corporate mirror or proxy goes in a Maven settings file of the user's choosing.
    maven_settings = get_settings().maven_settings
    if maven_settings is not None:
        command += ["-s", str(maven_settings)]
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not target.exists():
        output = (proc.stdout + proc.stderr)[-3000:]
        if any(signature in output for signature in UNREACHABLE):
            raise LocalKafkaError(
                "Maven could not download the Kafka jars: Maven Central cannot be reached "
                f"(check network/proxy settings in ~/.m2/settings.xml).\n{output}"
            )
        raise LocalKafkaError(
            f"Maven failed to resolve org.apache.kafka:kafka_2.13:{version}:\n{output}"
        )
    return target.read_text().strip()
