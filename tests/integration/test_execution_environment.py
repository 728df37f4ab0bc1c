"""An execution environment (EE) that includes this collection: ansible-builder's build context and
introspection, without building an image (no container engine needed)."""

import os
import shutil
import subprocess
import sys

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)
SAMPLE_EE = os.path.join(REPO, "docs", "ee", "execution-environment.yml")
# Any attempt to reach the network fails at once instead of hanging: `create` must work offline.
OFFLINE = dict(os.environ, http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9",
               HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9", no_proxy="", NO_PROXY="")


def tool(name):
    path = os.path.join(BIN, name)
    if not os.access(path, os.X_OK):
        pytest.fail("%s is not installed next to %s (pip install ansible-builder ansible-core in that "
                    "environment): the execution environment tests need it" % (path, sys.executable))
    return path


def run(*args, **kwargs):
    result = subprocess.run(args, check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            universal_newlines=True, env=OFFLINE, timeout=120, **kwargs)
    assert result.returncode == 0, "%s exited %d:\n%s" % (" ".join(args), result.returncode, result.stdout)
    return result.stdout


@pytest.fixture(scope="module")
def tarball(tmp_path_factory):
    """The collection built from this checkout, as ansible-galaxy would publish it."""
    out = str(tmp_path_factory.mktemp("collection"))
    run(tool("ansible-galaxy"), "collection", "build", "--force", "--output-path", out, REPO)
    built = [name for name in os.listdir(out) if name.endswith(".tar.gz")]
    assert len(built) == 1, built
    return os.path.join(out, built[0])


def definition(base, tarball):
    """An EE definition (version 3) like docs/ee/execution-environment.yml, taking the collection from
    the tarball instead of Galaxy."""
    with open(SAMPLE_EE) as handle:
        sample = yaml.safe_load(handle)
    name = os.path.basename(tarball)
    shutil.copy(tarball, os.path.join(base, name))
    with open(os.path.join(base, "requirements.yml"), "w") as handle:
        # ansible-galaxy runs in the context's _build directory (/build in the image).
        yaml.safe_dump({"collections": [{"name": "collections/%s" % name, "type": "file"}]}, handle)
    ee = {
        "version": 3,
        "images": sample["images"],
        "dependencies": {
            "python_interpreter": sample["dependencies"]["python_interpreter"],
            "ansible_core": sample["dependencies"]["ansible_core"],
            "ansible_runner": sample["dependencies"]["ansible_runner"],
            "galaxy": "requirements.yml",
        },
        "additional_build_files": [{"src": name, "dest": "collections"}],
        "options": {"package_manager_path": sample["options"]["package_manager_path"]},
    }
    path = os.path.join(base, "execution-environment.yml")
    with open(path, "w") as handle:
        yaml.safe_dump(ee, handle)
    return path


def test_build_context_includes_collection(tmp_path, tarball):
    base = str(tmp_path)
    ee = definition(base, tarball)
    context = os.path.join(base, "context")
    output = run(tool("ansible-builder"), "create", "-f", ee, "--context", context,
                 "--output-filename", "Containerfile")
    assert "Complete!" in output, output
    with open(os.path.join(context, "Containerfile")) as handle:
        containerfile = handle.read()
    assert "ansible-galaxy collection install" in containerfile and "-r requirements.yml" in containerfile
    assert "introspect.py introspect" in containerfile, "no introspection step: the collection's requirements " \
                                                        "would not be installed"
    assert "ansible-core>=2.17" in containerfile and "ansible-runner" in containerfile
    build = os.path.join(context, "_build")
    assert os.path.isfile(os.path.join(build, "collections", os.path.basename(tarball)))
    with open(os.path.join(build, "requirements.yml")) as handle:
        requirements = yaml.safe_load(handle)
    entries = requirements["collections"]
    assert [e["type"] for e in entries] == ["file"]
    # The requirement points at the copied tarball, relative to /build (the context's _build).
    assert os.path.isfile(os.path.join(build, entries[0]["name"]))


def test_introspect_reports_requests(tmp_path, tarball):
    collections = str(tmp_path / "collections")
    run(tool("ansible-galaxy"), "collection", "install", "-p", collections, tarball)
    assert os.path.isfile(os.path.join(collections, "ansible_collections", "pbxops", "pbx", "meta",
                                       "execution-environment.yml"))
    output = run(tool("ansible-builder"), "introspect", "--sanitize", collections)
    data = yaml.safe_load(output)
    python = [line.split("#")[0].strip() for line in data["python"]]
    assert any(line.startswith("requests") for line in python), output
    assert any("from collection pbxops.pbx" in line for line in data["python"]), output
    assert data.get("system") in ([], None), output


def test_sample_definition_creates_offline(tmp_path):
    """docs/ee/execution-environment.yml as published: `create` only writes the context (the collection
    comes from Galaxy at build time), so it must succeed with no network."""
    base = str(tmp_path)
    ee = os.path.join(base, "execution-environment.yml")
    shutil.copy(SAMPLE_EE, ee)
    context = os.path.join(base, "context")
    run(tool("ansible-builder"), "create", "-f", ee, "--context", context, "--output-filename", "Containerfile")
    with open(os.path.join(context, "Containerfile")) as handle:
        containerfile = handle.read()
    assert 'ARG EE_BASE_IMAGE="docker.io/redhat/ubi9:latest"' in containerfile
    assert 'ARG PYCMD="/usr/bin/python3.12"' in containerfile
    assert "ansible-galaxy collection install" in containerfile
    with open(os.path.join(context, "_build", "requirements.yml")) as handle:
        requirements = yaml.safe_load(handle)
    assert [c["name"] for c in requirements["collections"]] == ["pbxops.pbx"]
