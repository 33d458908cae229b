"""A local CA and a broker certificate for the TLS listeners, made once with keytool."""

from __future__ import annotations

import secrets
import subprocess
from pathlib import Path

from .config import BrokerConfig
from .jars import LocalKafkaError, require


def _keytool(java: str) -> str:
    # keytool ships with the JDK/JRE that runs the broker: no other tool to install.
    beside_java = Path(java).resolve().parent / "keytool"
    if beside_java.exists():
        return str(beside_java)
    return require("keytool", "It comes with Java; install a full JRE or JDK.")


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
    # The password reaches keytool through its 0600 file, never on a command line.
    store = [
        "-storetype",
        "PKCS12",
        "-storepass:file",
        str(password_file),
        "-keypass:file",
        str(password_file),
    ]
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
