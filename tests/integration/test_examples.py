"""Every module's EXAMPLES run as they are written (only url points at the simulator and the
vault variables get values): under --check, for real, and again, without a failure.
An example that surprises (creates what its title does not say, fails under --check)
fails here first."""

import ast
import os
import re

import yaml

from playbook import REPO, run_playbook_text

# Tenants first: the extension examples work inside them, and the phone examples ring their extensions.
ORDER = ("pbx_tenant", "pbx_extension", "pbx_phone", "pbx_callgroup", "pbx_gateway", "pbx_erl", "pbx_info")
# The examples that rotate passwords on purpose change something on every run.
ROTATING = {"pbx_extension": 1, "pbx_phone": 1}


def examples(module):
    with open(os.path.join(REPO, "plugins", "modules", module + ".py")) as fh:
        tree = ast.parse(fh.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "EXAMPLES":
            return ast.literal_eval(node.value)
    raise AssertionError("%s has no EXAMPLES" % module)


def pointed_at(value, url):
    """The examples with every url replaced by the simulator's."""
    if isinstance(value, dict):
        return dict((k, url if k == "url" else pointed_at(v, url)) for k, v in value.items())
    if isinstance(value, list):
        return [pointed_at(v, url) for v in value]
    return value


def variables(sim, text):
    credentials = sim.ops("GET", "config")["credentials"]
    out = {}
    for name in sorted(set(re.findall(r"\b(vault_\w+)", text))):
        out[name] = "135792" if "pin" in name else "Secret-%s-x1" % name
    out.update(vault_pbx_password=credentials["portsip"]["password"],
               vault_lab_password=credentials["portsip"]["password"],
               vault_sipx_password=credentials["sipxcom"]["password"],
               vault_ipcortex_key=credentials["ipcortex"]["api_key"],
               vault_ipcortex_password=credentials["ipcortex"]["password"])
    out["acme_extensions"] = [
        {"number": "101", "name": "Ann Lee", "email": "ann.lee@acme.example", "login_name": "ann.lee",
         "sip_password": "Sip-101-x1", "web_password": "Web-101-x1", "voicemail_pin": "135792"},
        {"number": "102", "name": "Bob Stone", "email": "bob@acme.example", "sip_password": "Sip-102-x1",
         "web_password": "Web-102-x1", "voicemail_pin": "135792"}]
    out["all_sipxcom_extensions"] = [{"number": "201", "first_name": "Bob", "last_name": "Stone"},
                                     {"number": "202", "first_name": "Cleo", "last_name": "Diaz"}]
    return out


def run_examples(sim, module, check):
    text = examples(module)
    play = [{"name": "examples of " + module, "hosts": "localhost", "gather_facts": False,
             "vars": variables(sim, text), "tasks": pointed_at(yaml.safe_load(text), sim.url)}]
    rc, output = run_playbook_text(sim.url, {}, yaml.safe_dump(play, sort_keys=False), check=check)
    assert rc == 0, "the %s examples fail%s:\n%s" % (module, " under --check" if check else "", output[-6000:])
    recap = re.search(r"ok=(\d+)\s+changed=(\d+)", output)
    return int(recap.group(2)), output


def test_the_examples_run_under_check_and_for_real(simulator):
    simulator.reset()
    simulator.fixtures("ipcortex", "companies", [{"name": "acme"}])
    for module in ORDER:
        if module == "pbx_extension":
            # The lab example works on a tenant named by its SIP domain, with extension 101 in it.
            simulator.fixtures("portsip", "tenants", [{"name": "acme-lab", "domain": "acme.lab.example.com"}])
            simulator.fixtures("portsip", "users", [{"tenant": "acme-lab", "extension_number": "101"}])
        if module == "pbx_phone":
            # An IPCortex extension rings on a phone through its owner; one phone waits to be adopted.
            simulator.fixtures("ipcortex", "users", [{"uname": "reception", "company": "acme",
                                                      "owned_extension": "342"}])
            simulator.fixtures("ipcortex", "inactive_phones", [{"mac": "0004f2c0ffee", "phone_type": "snom320"}])
        if module == "pbx_callgroup":
            # IPCortex members ring through the users who own them (342 is owned since pbx_phone's fixture).
            simulator.fixtures("ipcortex", "extensions", [{"virt_exten": n, "company": "acme"} for n in ("344", "345")])
            simulator.fixtures("ipcortex", "users", [{"uname": "sales" + n, "company": "acme", "owned_extension": n}
                                                     for n in ("344", "345")])
        if module == "pbx_gateway":
            # A port of an existing AudioCodes gateway shows sipXcom's port settings for the new gateway's ports.
            simulator.fixtures("sipxcom", "gateways", [{"name": "fxo-warehouse",
                                                        "model": {"modelId": "audiocodesMP1X4_4_FXO"},
                                                        "address": "192.0.2.41", "ports": 1}])
        simulator.reset_stats()
        run_examples(simulator, module, check=True)
        assert simulator.stats()["writes"] == 0, "--check wrote"
        first, output = run_examples(simulator, module, check=False)
        if module == "pbx_info":
            assert first == 0 and simulator.stats()["writes"] == 0, output
        else:
            assert first > 0, output
        # Once converged, --check predicts exactly what the next real run changes: only the
        # examples that rotate passwords on purpose.
        predicted, output = run_examples(simulator, module, check=True)
        changed, output = run_examples(simulator, module, check=False)
        assert predicted == changed == ROTATING.get(module, 0), output[-6000:]


def test_the_readme_playbook_runs_as_written(simulator):
    """The first playbook of README.md, with only url pointed at the simulator."""
    with open(os.path.join(REPO, "README.md")) as fh:
        readme = fh.read()
    section = readme[readme.index("## A first playbook"):]
    text = section[section.index("```yaml") + len("```yaml"):section.index("```", section.index("```yaml") + 7)]
    (play,) = pointed_at(yaml.safe_load(text), simulator.url)
    play["vars"].update(variables(simulator, text))
    simulator.reset()
    for check, changed in ((True, 2), (False, 2), (True, 0), (False, 0)):
        simulator.reset_stats()
        rc, output = run_playbook_text(simulator.url, {}, yaml.safe_dump([play], sort_keys=False), check=check)
        assert rc == 0, output[-4000:]
        assert "changed=%d" % changed in output, output[-4000:]
        if check:
            assert simulator.stats()["writes"] == 0
