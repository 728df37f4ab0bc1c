"""Render an AWX custom credential type the way AWX does when it launches a job.

Mirrors CredentialType.inject_credential in awx/main/models/credential/__init__.py:

* the Jinja namespace holds the credential's inputs; a string input that is unset or empty is
  left out (so it renders as ""), a boolean input that is unset is False;
* each ``injectors.file`` template is rendered and written to a private file (mode 0600); for a
  key ``template.<name>`` the file's path is ``tower.filename.<name>``, for a key ``template``
  it is ``tower.filename``;
* every ``injectors.env`` template is rendered with an ImmutableSandboxedEnvironment. AWX sets
  the variable even when it renders empty; ``omit_empty=True`` leaves such variables out instead.

Used by tests/unit/test_awx_credential_type.py, and to give ansible-runner a credential's env.
"""

import os
import re
import stat
import tempfile

import yaml
from jinja2 import sandbox

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CREDENTIAL_TYPE = os.path.join(REPO, "docs", "awx", "credential-type.yml")

# {{ name }} or {{ name.attr }} or the names used in {% if name %}, good enough for our templates.
_REFERENCE = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_BLOCKS = re.compile(r"{{(.*?)}}|{%(.*?)%}", re.S)
_STRINGS = re.compile(r"'[^']*'|\"[^\"]*\"")
_KEYWORDS = {"if", "else", "elif", "endif", "not", "and", "or", "is", "defined", "none", "true", "false",
             "None", "True", "False", "in"}


def load_credential_type(path=CREDENTIAL_TYPE):
    with open(path) as handle:
        return yaml.safe_load(handle)


def template_references(template):
    """The variable names (dotted) a Jinja template uses, e.g. {"url", "tower.filename.ca"}."""
    names = set()
    for expression, statement in _BLOCKS.findall(template):
        text = _STRINGS.sub("", expression or statement)
        for name in _REFERENCE.findall(text):
            if name not in _KEYWORDS:
                names.add(name)
    return names


class _Namespace:
    pass


def render_injectors(credential_type, inputs, directory=None, omit_empty=False):
    """The environment a job gets from a credential of ``credential_type`` holding ``inputs``.

    ``credential_type`` is the parsed definition (dict with inputs/injectors) or a path to it.
    File injectors are written under ``directory`` (a new temporary directory when None; the
    caller removes it). Returns the dict of environment variables.
    """
    if isinstance(credential_type, str):
        credential_type = load_credential_type(credential_type)
    fields = credential_type.get("inputs", {}).get("fields", [])
    injectors = credential_type.get("injectors", {}) or {}
    known = dict((field["id"], field) for field in fields)
    unknown = sorted(set(inputs) - set(known))
    if unknown:
        raise ValueError("inputs not declared by the credential type: %s" % ", ".join(unknown))

    tower = _Namespace()
    namespace = {"tower": tower}
    for name, value in inputs.items():
        if isinstance(value, bool):
            namespace[name] = value
        elif value is not None and len(value):
            namespace[name] = value
    for field in fields:
        if field.get("type") == "boolean" and field["id"] not in inputs:
            namespace[field["id"]] = False

    env = sandbox.ImmutableSandboxedEnvironment()
    file_templates = injectors.get("file", {}) or {}
    if file_templates:
        if directory is None:
            directory = tempfile.mkdtemp(prefix="awx-credential-")
        os.makedirs(directory, exist_ok=True)
    for label, template in file_templates.items():
        data = env.from_string(template).render(**namespace)
        handle, path = tempfile.mkstemp(dir=directory)
        with os.fdopen(handle, "w") as out:
            out.write(data)
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        if "." not in label:
            tower.filename = path
        else:
            if not hasattr(tower, "filename"):
                tower.filename = _Namespace()
            setattr(tower.filename, label.split(".", 1)[1], path)

    result = {}
    for name, template in (injectors.get("env", {}) or {}).items():
        value = env.from_string(template).render(**namespace)
        if value == "" and omit_empty:
            continue
        result[name] = value
    return result
