"""docs/awx/credential-type.yml, the AWX custom credential type, against the modules' connection options."""

import os
import shutil
import tempfile

import pytest

from ansible_collections.pbxops.pbx.plugins.module_utils._module import connection_argument_spec
from awx_credential import CREDENTIAL_TYPE, load_credential_type, render_injectors, template_references

# Job settings, not credentials: the job template sets them.
NOT_INJECTED = {"PBX_TENANT", "PBX_TIMEOUT", "PBX_RETRIES"}


@pytest.fixture(scope="module")
def credential_type():
    return load_credential_type()


@pytest.fixture
def workdir():
    path = tempfile.mkdtemp(prefix="awx-credential-test-")
    yield path
    shutil.rmtree(path)


def env_options():
    """PBX_* environment variable -> (option name, option spec)."""
    options = {}
    for name, spec in connection_argument_spec().items():
        fallback = spec.get("fallback")
        if fallback:
            for variable in fallback[1]:
                options[variable] = (name, spec)
    return options


def fields(credential_type):
    return dict((field["id"], field) for field in credential_type["inputs"]["fields"])


def input_options(credential_type):
    """Input id -> the connection options whose environment variable its injectors feed."""
    options = env_options()
    files = dict(("tower.filename.%s" % label.split(".", 1)[1] if "." in label else "tower.filename",
                  template_references(template))
                 for label, template in credential_type["injectors"].get("file", {}).items())
    mapping = {}
    for variable, template in credential_type["injectors"]["env"].items():
        for name in template_references(template):
            for input_id in files.get(name, {name}):
                mapping.setdefault(input_id, set()).add(options[variable][0])
    return mapping


def test_top_level_keys(credential_type):
    assert set(credential_type) == {"inputs", "injectors"}
    assert set(credential_type["inputs"]) <= {"fields", "required"}
    assert set(credential_type["injectors"]) <= {"env", "file", "extra_vars"}
    for field in credential_type["inputs"]["fields"]:
        assert {"id", "label", "type"} <= set(field), field
        assert field["type"] in ("string", "boolean"), field
        assert field.get("help_text"), field


def test_injects_only_connection_fallbacks(credential_type):
    options = env_options()
    injected = set(credential_type["injectors"]["env"])
    unknown = injected - set(options)
    assert not unknown, "not the fallback of any connection option: %s" % sorted(unknown)
    assert not injected & NOT_INJECTED, "job settings, not credentials: %s" % sorted(injected & NOT_INJECTED)
    # Every connection option that is not a job setting can come from the credential.
    assert injected == set(options) - NOT_INJECTED


def test_platform_choices(credential_type):
    platform = fields(credential_type)["platform"]
    assert sorted(platform["choices"]) == sorted(connection_argument_spec()["platform"]["choices"])


def test_no_log_options_are_secret(credential_type):
    spec = connection_argument_spec()
    declared = fields(credential_type)
    mapping = input_options(credential_type)
    assert set(mapping) == set(declared), "inputs no injector uses: %s" % sorted(set(declared) - set(mapping))
    for input_id, option_names in mapping.items():
        if any(spec[name].get("no_log") for name in option_names):
            assert declared[input_id].get("secret") is True, "%s must be secret: true" % input_id
    assert declared["password"]["secret"] is True and declared["api_key"]["secret"] is True


def test_injectors_reference_declared_inputs(credential_type):
    declared = set(fields(credential_type))
    labels = set(label.split(".", 1)[1] for label in credential_type["injectors"].get("file", {}) if "." in label)
    templates = list(credential_type["injectors"]["env"].values())
    templates += list(credential_type["injectors"].get("file", {}).values())
    for template in templates:
        for name in template_references(template):
            if name.startswith("tower.filename."):
                assert name.split(".", 2)[2] in labels, template
            else:
                assert name in declared, "%r uses undeclared input %s" % (template, name)


def test_required_inputs_exist(credential_type):
    declared = set(fields(credential_type))
    required = credential_type["inputs"].get("required", [])
    assert set(required) <= declared
    assert "platform" in required and "url" in required


def test_render_full(credential_type, workdir):
    pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    env = render_injectors(credential_type, {
        "platform": "sipxcom", "url": "https://pbx.example.com", "username": "superadmin",
        "password": "s3cret", "ca_cert": pem}, directory=workdir)
    ca_path = env.pop("PBX_CA_PATH")
    assert os.path.dirname(ca_path) == workdir
    with open(ca_path) as handle:
        assert handle.read() == pem
    assert oct(os.stat(ca_path).st_mode & 0o777) == "0o600"
    assert env == {"PBX_PLATFORM": "sipxcom", "PBX_URL": "https://pbx.example.com", "PBX_USERNAME": "superadmin",
                   "PBX_PASSWORD": "s3cret", "PBX_API_KEY": "", "PBX_VALIDATE_CERTS": "true"}


def test_render_api_key_without_ca(credential_type, workdir):
    env = render_injectors(credential_type, {"platform": "ipcortex", "url": "https://pbx.example.com",
                                             "api_key": "k3y", "skip_validate_certs": True}, directory=workdir)
    # AWX sets a variable even when it renders empty; the modules treat "" as not given.
    assert env == {"PBX_PLATFORM": "ipcortex", "PBX_URL": "https://pbx.example.com", "PBX_USERNAME": "",
                   "PBX_PASSWORD": "", "PBX_API_KEY": "k3y", "PBX_VALIDATE_CERTS": "false", "PBX_CA_PATH": ""}
    assert render_injectors(credential_type, {"platform": "ipcortex", "url": "https://pbx.example.com",
                                              "api_key": "k3y", "skip_validate_certs": True},
                            directory=workdir, omit_empty=True) == {
        "PBX_PLATFORM": "ipcortex", "PBX_URL": "https://pbx.example.com", "PBX_API_KEY": "k3y",
        "PBX_VALIDATE_CERTS": "false"}


def test_unset_boolean_keeps_validation(credential_type, workdir):
    """AWX injects an unset boolean as false: that must mean "validate", never "skip"."""
    env = render_injectors(credential_type, {"platform": "portsip", "url": "https://pbx.example.com"},
                           directory=workdir)
    assert env["PBX_VALIDATE_CERTS"] == "true"


def test_rendered_values_pass_module_validation(credential_type, workdir):
    """The injected strings are what AnsibleModule's type checks accept for each option."""
    from ansible.module_utils.parsing.convert_bool import boolean
    env = render_injectors(credential_type, {"platform": "portsip", "url": "https://pbx.example.com",
                                             "skip_validate_certs": True}, directory=workdir)
    assert boolean(env["PBX_VALIDATE_CERTS"]) is False
    assert env["PBX_PLATFORM"] in connection_argument_spec()["platform"]["choices"]


def test_undeclared_input_refused(credential_type):
    with pytest.raises(ValueError):
        render_injectors(credential_type, {"platform": "sipxcom", "url": "u", "tenant": "t"})


def test_default_path():
    assert os.path.isfile(CREDENTIAL_TYPE)
