"""A PEP 517 build backend for a package without code: a wheel holding only metadata.

pre-commit installs a hook repository with `pip install .`; setuptools or hatchling would have
to come from an index first. This backend needs nothing but the standard library, so the hooks
install where pip may only read a folder of wheels. It reads `[project]` from pyproject.toml
(name, version, description, requires-python, dependencies) and writes the core metadata
(https://packaging.python.org/en/latest/specifications/core-metadata/) and a wheel as the
binary distribution format specifies it
(https://packaging.python.org/en/latest/specifications/binary-distribution-format/).
"""

import base64
import hashlib
import os
import re
import tomllib
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))


def _project():
    with open(os.path.join(HERE, "pyproject.toml"), "rb") as f:
        return tomllib.load(f)["project"]


def _dist_info(project):
    # Normalised as the wheel spec asks: runs of -_. become _.
    name = re.sub(r"[-_.]+", "_", project["name"]).lower()
    return f"{name}-{project['version']}"


def _metadata(project):
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {project['version']}",
        f"Summary: {project.get('description', '')}",
    ]
    if "requires-python" in project:
        lines.append(f"Requires-Python: {project['requires-python']}")
    lines += [f"Requires-Dist: {dep}" for dep in project.get("dependencies", [])]
    return "\n".join(lines) + "\n"


def _wheel_file():
    return "Wheel-Version: 1.0\nGenerator: maillint-pre-commit backend.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    project = _project()
    dist_info = _dist_info(project) + ".dist-info"
    os.makedirs(os.path.join(metadata_directory, dist_info), exist_ok=True)
    with open(os.path.join(metadata_directory, dist_info, "METADATA"), "w") as f:
        f.write(_metadata(project))
    return dist_info


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    project = _project()
    base = _dist_info(project)
    files = {
        f"{base}.dist-info/METADATA": _metadata(project).encode(),
        f"{base}.dist-info/WHEEL": _wheel_file().encode(),
    }
    record = [_record_line(path, data) for path, data in files.items()]
    record.append(f"{base}.dist-info/RECORD,,")
    files[f"{base}.dist-info/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel_name = f"{base}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel_name), "w") as wheel:
        for path, data in files.items():
            wheel.writestr(path, data)
    return wheel_name


def get_requires_for_build_wheel(config_settings=None):
    return []
