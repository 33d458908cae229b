"""A local, single-node Apache Kafka (KRaft) from the official jars on Maven Central.

``streams kafka start`` resolves ``org.apache.kafka:kafka_2.13`` and its dependencies with Maven
into the user's cache (never into the repository), formats KRaft storage once, and starts one
combined broker+controller bound to 127.0.0.1 in the background. It returns only when the
broker answers a Kafka metadata request, so callers can use it immediately.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
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
# Large enough for the 10 MiB hostile-input test; the topics' own limits are raised by Faust.
MAX_MESSAGE_BYTES = 16 * 1024 * 1024


class LocalKafkaError(RuntimeError):
    """The local broker could not be prepared, started or stopped; the message says why."""


def kafka_version() -> str:
    """The Kafka release to run (``STREAMS_KAFKA_VERSION``)."""
    return get_settings().kafka_version


def cache_dir() -> Path:
    """Where the Kafka jars' classpath is cached (``STREAMS_CACHE_DIR``)."""
    return get_settings().cache_root


@dataclass(frozen=True)
class BrokerConfig:
    data_dir: Path
    port: int = 9092
    controller_port: int | None = None
    heap: str = "768m"
    sasl_port: int | None = None  # SASL_PLAINTEXT listener
    ssl_port: int | None = None  # SSL (TLS) listener, certificate from a local CA
    sasl_ssl_port: int | None = None  # SASL_SSL listener
    # SASL users (PLAIN and SCRAM); SCRAM credentials are stored when the storage is formatted.
    sasl_users: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    @property
    def tls_dir(self) -> Path:
        return self.data_dir / "tls"

    @property
    def ca_file(self) -> Path:
        """The local CA's certificate (PEM): what clients trust, STREAMS_KAFKA_CA_FILE."""
        return self.tls_dir / "ca.pem"

    @property
    def controller(self) -> int:
        return self.controller_port or self.port + 1

    @property
    def log_file(self) -> Path:
        return self.data_dir / "logs" / "server.log"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "kafka.pid"


def _require(tool: str, hint: str) -> str:
    path = shutil.which(tool)
    if not path:
        raise LocalKafkaError(f"{tool} was not found on PATH. {hint}")
    return path


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
    mvn = _require(
        "mvn", "Apache Maven is needed to fetch the Kafka jars (Debian: apt-get install maven)."
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    pom = target.parent / POM_RESOURCE
    pom.write_bytes(resources.files(__name__).joinpath(POM_RESOURCE).read_bytes())
    logger.info("resolving Apache Kafka %s jars from Maven Central", version)
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


SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")


_USER_NAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")
# Kafka's --add-scram syntax ("[name=...,password=...]") cannot carry these.
_PASSWORD_FORBIDDEN = set(',[]"\\') | {chr(c) for c in range(32)}


def _check_user(user: str, password: str) -> None:
    if not _USER_NAME.fullmatch(user):
        raise LocalKafkaError(f"SASL user names are letters, digits and ._@- ; got {user!r}")
    if not password or set(password) & _PASSWORD_FORBIDDEN:
        raise LocalKafkaError(
            f"the password of SASL user {user!r} is empty or holds one of , [ ] \" \\ or a "
            "control character, which the broker's user setup cannot take"
        )


def _jaas_quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _properties_text(text: str) -> str:
    """Java reads .properties files as ISO-8859-1: escape backslashes and anything non-ASCII
    (passwords may hold any character)."""
    out = []
    for char in text.replace("\\", "\\\\"):
        if ord(char) < 128:
            out.append(char)
        else:
            units = char.encode("utf-16-be")
            out += [f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2)]
    return "".join(out)


def _jaas_lines(listener: str, users: tuple[tuple[str, str], ...]) -> list[str]:
    plain_users = " ".join(f"user_{u}={_jaas_quote(p)}" for u, p in users)
    scram = "org.apache.kafka.common.security.scram.ScramLoginModule required;"
    return [
        f"listener.name.{listener}.plain.sasl.jaas.config="
        f"org.apache.kafka.common.security.plain.PlainLoginModule required {plain_users};",
        f"listener.name.{listener}.scram-sha-256.sasl.jaas.config={scram}",
        f"listener.name.{listener}.scram-sha-512.sasl.jaas.config={scram}",
    ]


def _server_properties(cfg: BrokerConfig, keystore_password: str | None = None) -> str:
    listeners = [f"PLAINTEXT://127.0.0.1:{cfg.port}", f"CONTROLLER://127.0.0.1:{cfg.controller}"]
    advertised = [f"PLAINTEXT://127.0.0.1:{cfg.port}"]
    protocol_map = ["PLAINTEXT:PLAINTEXT", "CONTROLLER:PLAINTEXT"]
    extra: list[str] = []
    secured = {
        "SASL_PLAINTEXT": cfg.sasl_port,
        "SSL": cfg.ssl_port,
        "SASL_SSL": cfg.sasl_ssl_port,
    }
    for protocol, port in secured.items():
        if port:
            listeners.append(f"{protocol}://127.0.0.1:{port}")
            advertised.append(f"{protocol}://127.0.0.1:{port}")
            protocol_map.append(f"{protocol}:{protocol}")
            if protocol.startswith("SASL"):
                extra += _jaas_lines(protocol.lower(), cfg.sasl_users)
    if cfg.sasl_port or cfg.sasl_ssl_port:
        extra.append(f"sasl.enabled.mechanisms={','.join(SASL_MECHANISMS)}")
    if (cfg.ssl_port or cfg.sasl_ssl_port) and keystore_password:
        extra += [
            "ssl.keystore.type=PKCS12",
            f"ssl.keystore.location={cfg.tls_dir / 'broker.p12'}",
            f"ssl.keystore.password={keystore_password}",
            f"ssl.key.password={keystore_password}",
        ]
    lines = [
        "process.roles=broker,controller",
        "node.id=1",
        f"controller.quorum.bootstrap.servers=127.0.0.1:{cfg.controller}",
        f"listeners={','.join(listeners)}",
        f"advertised.listeners={','.join(advertised)}",
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        f"listener.security.protocol.map={','.join(protocol_map)}",
        f"log.dirs={cfg.data_dir / 'kraft'}",
        "num.partitions=4",
        "auto.create.topics.enable=false",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=8",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "transaction.state.log.num.partitions=4",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        f"message.max.bytes={MAX_MESSAGE_BYTES}",
        f"replica.fetch.max.bytes={MAX_MESSAGE_BYTES}",
        "log.retention.hours=168",
        *extra,
    ]
    return "\n".join(lines) + "\n"


def _log4j_properties(cfg: BrokerConfig) -> str:
    return "\n".join(
        [
            "status = warn",
            "appender.file.type = RollingFile",
            "appender.file.name = FILE",
            f"appender.file.fileName = {cfg.log_file}",
            f"appender.file.filePattern = {cfg.log_file}.%i",
            "appender.file.layout.type = PatternLayout",
            "appender.file.layout.pattern = [%d] %p %m (%c)%n",
            "appender.file.policies.type = Policies",
            "appender.file.policies.size.type = SizeBasedTriggeringPolicy",
            "appender.file.policies.size.size = 20MB",
            "appender.file.strategy.type = DefaultRolloverStrategy",
            "appender.file.strategy.max = 3",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = FILE",
            "logger.kafka.name = kafka",
            "logger.kafka.level = INFO",
            "logger.apache.name = org.apache.kafka",
            "logger.apache.level = WARN",
            "",
        ]
    )


def read_pid(cfg: BrokerConfig) -> int | None:
    try:
        pid = int(cfg.pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    # A recycled pid belongs to some other program; ours runs kafka.Kafka.
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return pid
    return pid if b"kafka.Kafka" in cmdline else None


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


async def _answers_metadata(bootstrap: str) -> bool:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=3000)
    try:
        await admin.start()
        await admin.list_topics()
        return True
    except Exception:
        return False
    finally:
        await admin.close()


def broker_ready(port: int) -> bool:
    return port_open(port) and asyncio.run(_answers_metadata(f"127.0.0.1:{port}"))


def _format_storage(cfg: BrokerConfig, java: str, classpath: str, props: Path) -> None:
    if (cfg.data_dir / "kraft" / "meta.properties").exists():
        return
    cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
    cmd = [
        java,
        "-cp",
        classpath,
        f"-Dlog4j2.configurationFile={cfg.data_dir / 'log4j2.properties'}",
        "kafka.tools.StorageTool",
        "format",
        # One argument with "=": a base64 id may start with "-", which argparse takes for an option.
        f"--cluster-id={cluster_id}",
        "-c",
        str(props),
        "--standalone",
    ]
    for user, password in cfg.sasl_users:
        for mechanism in ("SCRAM-SHA-256", "SCRAM-SHA-512"):
            cmd += ["--add-scram", f"{mechanism}=[name={user},password={password}]"]
    # Java decodes its arguments (the SCRAM passwords) with the locale's charset.
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, env=env)
    if proc.returncode != 0:
        output = proc.stdout + proc.stderr
        for _user, password in cfg.sasl_users:
            output = output.replace(password, "********")
        raise LocalKafkaError(f"formatting KRaft storage failed:\n{output[-2000:]}")


def start(cfg: BrokerConfig, *, timeout: float = 90.0) -> int:
    """Start the broker in the background and wait until it serves requests; returns its pid."""
    running = read_pid(cfg)
    if running:
        if broker_ready(cfg.port):
            logger.info("Kafka already running (pid %s) on 127.0.0.1:%s", running, cfg.port)
            return running
        raise LocalKafkaError(
            f"a broker process {running} exists but does not answer on {cfg.port}"
        )
    if port_open(cfg.port):
        raise LocalKafkaError(f"port {cfg.port} is already in use by another program")
    java = _require(
        "java",
        "Java 17 or newer is needed to run Apache Kafka 4.x "
        "(Debian: apt-get install openjdk-17-jre-headless).",
    )
    if _java_major(java) < 17:
        raise LocalKafkaError(
            "Apache Kafka 4.x needs Java 17 or newer; `java -version` reports older"
        )
    classpath = resolve_classpath()
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    cfg.log_file.parent.mkdir(parents=True, exist_ok=True)
    if (cfg.sasl_port or cfg.sasl_ssl_port) and not cfg.sasl_users:
        raise LocalKafkaError("a SASL listener needs at least one user (name, password)")
    for user, password in cfg.sasl_users:
        _check_user(user, password)
    keystore_password = ensure_tls(cfg, java) if cfg.ssl_port or cfg.sasl_ssl_port else None
    props = cfg.data_dir / "server.properties"
    props.write_text(_properties_text(_server_properties(cfg, keystore_password)))
    props.chmod(0o600)  # it holds the SASL users' passwords and the keystore's
    log4j = cfg.data_dir / "log4j2.properties"
    log4j.write_text(_log4j_properties(cfg))
    _format_storage(cfg, java, classpath, props)
    stdout = open(cfg.data_dir / "logs" / "stdout.log", "ab")  # noqa: SIM115 - owned by the child
    proc = subprocess.Popen(
        [
            java,
            "-Xms256m",
            f"-Xmx{cfg.heap}",
            "-XX:+UseG1GC",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={log4j}",
            "-cp",
            classpath,
            "kafka.Kafka",
            str(props),
        ],
        stdout=stdout,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        cwd=cfg.data_dir,
    )
    stdout.close()
    cfg.pid_file.write_text(str(proc.pid))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            cfg.pid_file.unlink(missing_ok=True)
            raise LocalKafkaError(
                f"the broker exited with code {proc.returncode}; "
                f"last log lines:\n{tail(cfg.log_file)}"
            )
        if broker_ready(cfg.port):
            logger.info(
                "Kafka %s ready on 127.0.0.1:%s (pid %s)", kafka_version(), cfg.port, proc.pid
            )
            return proc.pid
        time.sleep(0.5)
    stop(cfg)
    raise LocalKafkaError(
        f"the broker did not become ready in {timeout:.0f}s; last log lines:\n{tail(cfg.log_file)}"
    )


def stop(cfg: BrokerConfig, *, timeout: float = 30.0) -> bool:
    """Controlled shutdown (SIGTERM), SIGKILL after ``timeout``; False if nothing was running."""
    pid = read_pid(cfg)
    if pid is None:
        cfg.pid_file.unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if read_pid(cfg) is None:
            break
        time.sleep(0.2)
    else:
        logger.warning("broker %s did not stop in %.0fs; killing it", pid, timeout)
        os.kill(pid, signal.SIGKILL)
    cfg.pid_file.unlink(missing_ok=True)
    return True


def _keytool(java: str) -> str:
    # keytool ships with the JDK/JRE that runs the broker: no other tool to install.
    beside_java = Path(java).resolve().parent / "keytool"
    if beside_java.exists():
        return str(beside_java)
    return _require("keytool", "It comes with Java; install a full JRE or JDK.")


def ensure_tls(cfg: BrokerConfig, java: str) -> str:
    """A local CA and a broker certificate for 127.0.0.1/localhost signed by it, made once
    with keytool; returns the broker keystore's password. Clients trust ``cfg.ca_file``."""
    tls = cfg.tls_dir
    password_file = tls / "keystore.password"
    keystore = tls / "broker.p12"
    if keystore.exists() and cfg.ca_file.exists() and password_file.exists():
        return password_file.read_text().strip()
    tls.mkdir(parents=True, exist_ok=True, mode=0o700)
    for stale in tls.iterdir():
        stale.unlink()
    password = secrets.token_urlsafe(24)
    password_file.touch(mode=0o600)
    password_file.write_text(password)
    keytool = _keytool(java)
    store = ["-storetype", "PKCS12", "-storepass", password, "-keypass", password]
    new_key = ["-genkeypair", "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650"]
    steps = [
        [*new_key, "-alias", "ca", "-dname", "CN=streams local CA", "-keystore", "ca.p12",
         "-ext", "bc:c", "-ext", "KeyUsage:critical=keyCertSign,cRLSign", *store],
        ["-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem", *store],
        [*new_key, "-alias", "broker", "-dname", "CN=localhost", "-keystore", "broker.p12",
         *store],
        ["-certreq", "-alias", "broker", "-keystore", "broker.p12", "-file", "broker.csr",
         *store],
        ["-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-infile", "broker.csr",
         "-outfile", "broker.pem", "-validity", "3650",
         "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-ext", "EKU=serverAuth", *store],
        ["-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore",
         "broker.p12", *store],
        ["-importcert", "-alias", "broker", "-file", "broker.pem", "-keystore", "broker.p12",
         *store],
    ]  # fmt: skip
    for step in steps:
        proc = subprocess.run(
            [keytool, *step], cwd=tls, capture_output=True, text=True, check=False
        )
        if proc.returncode != 0:
            raise LocalKafkaError(
                f"keytool {step[0]} failed making the local TLS certificate:\n"
                f"{(proc.stdout + proc.stderr).replace(password, '********')[-1500:]}"
            )
    return password


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
