"""Apache Jena (Debian's ``libapache-jena-java``) as a third, set-semantics opinion on the bundled queries: one JVM
runs them all over the published layout (``JenaQueries.java``, run from source by Java 11+)."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

JARS = Path("/usr/share/java")
RUNNER = Path(__file__).with_name("JenaQueries.java")
# Jena's jars and those of the packages libapache-jena-java depends on; of SLF4J only the API and the no-op binding
# ('/usr/share/java/*' holds bindings and bridges that clash: log4j-over-slf4j with slf4j-log4j12 aborts the JVM).
DEPENDENCIES = [
    "commons-cli",
    "commons-codec",
    "commons-compress",
    "commons-csv",
    "commons-io",
    "commons-lang3",
    "dexx.collection",
    "gson",
    "guava",
    "httpclient",
    "httpcore",
    "jackson-core",
    "jackson-databind",
    "jackson-annotations",
    "jsonld-java",
    "jakarta.json-api",
    "protobuf",
    "thrift",
    "titanium-json-ld",
    "slf4j-api",
    "slf4j-nop",
]


def jena_missing() -> str | None:
    """Why Jena cannot run here, or None when it can."""
    if not shutil.which("java"):
        return "no java on PATH (Debian: default-jre-headless)"
    if not (JARS / "jena-arq.jar").is_file():
        return "Apache Jena is not installed (apt-get install -y libapache-jena-java, or `make engines` as root)"
    return None


def _xerces_messages(folder: Path) -> Path:
    """Debian's jena-core moves Jena's copy of Xerces to the package ``xerces`` but leaves its message files under
    ``org/apache/jena/ext/xerces``: without them the XSD datatypes fail to initialise ("internal error"). They are
    copied where the classes look for them."""
    with zipfile.ZipFile(JARS / "jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith("org/apache/jena/ext/xerces/") and name.endswith(".properties"):
                target = folder / name.removeprefix("org/apache/jena/ext/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    return folder


def classpath(workdir: Path) -> str:
    jars = [p for p in sorted(JARS.glob("jena-*.jar")) if not re.search(r"-\d[\w.]*\.jar$", p.name)]
    jars += [JARS / f"{name}.jar" for name in DEPENDENCIES if (JARS / f"{name}.jar").is_file()]
    return ":".join([str(_xerces_messages(workdir / "xerces-messages")), *map(str, jars)])


def run_queries(data: Path, merge: str, manifest: str, queries: list[Path], workdir: Path, timeout: float = 300) -> Path:
    """Run every query of ``queries`` over ``data`` in one JVM; the folder of their JSON results."""
    out = workdir / "jena-results"
    out.mkdir(parents=True, exist_ok=True)
    command = ["java", "-cp", classpath(workdir), str(RUNNER), str(data), merge, manifest, str(out), *map(str, queries)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"Jena failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return out
