"""Run real ansible-playbook against a simulator and collect what it did.

The collection is made importable by linking the checkout into
build/collections/ansible_collections/pbxops/pbx, exactly as an installed
collection would sit.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(REPO, "build", "collections")
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")

# Credentials of the simulator's default accounts, per platform.
CONNECTION = {
    "sipxcom": {"platform": "sipxcom", "username": "superadmin", "password": "superadmin"},
    "ipcortex": {"platform": "ipcortex", "api_key": "pbxsim-ipcortex-key-0123456789abcdef"},
    "portsip": {"platform": "portsip", "username": "admin", "password": "admin"},
}


# -- every output, every secret (tests/integration/conftest.py fails the suite on a leak) -------------------
#: (what ran, its whole output) for every ansible-playbook run of this test process
RUNS = []
#: every secret value this process handed to a run (as an option, a variable or an environment variable)
SECRETS = set()
#: string values handed to a run as options that are not secret: a secret equal to one of them (the
#: simulator's admin/admin) shows in the output as that option, which is no leak
PLAIN = set()
SECRET_ENV = ("PBX_PASSWORD", "PBX_API_KEY")


def _secret_keys():
    sys.path.insert(0, ensure_collection_link())
    from ansible_collections.pbxops.pbx.plugins.module_utils._fields import RESOURCES

    keys = set(["password", "api_key"])
    for resource in RESOURCES.values():
        keys |= resource.secret_names
    return frozenset(keys)


SECRET_KEYS = None


def harvest(value, secret=False):
    """Record the secret values (by option name, at any depth) and the plain ones of a run's inputs."""
    global SECRET_KEYS
    if SECRET_KEYS is None:
        SECRET_KEYS = _secret_keys()
    if isinstance(value, dict):
        for key, item in value.items():
            harvest(item, secret or key in SECRET_KEYS)
    elif isinstance(value, (list, tuple)):
        for item in value:
            harvest(item, secret)
    elif isinstance(value, (str, int)) and not isinstance(value, bool) and "{{" not in str(value):
        (SECRETS if secret else PLAIN).add(str(value))


def record(what, output, *inputs, env=None):
    for value in inputs:
        harvest(value)
    for key, value in (env or {}).items():
        harvest({key: value}, key in SECRET_ENV)
    RUNS.append((what, output))


def leaks():
    """[(secret, what ran)] for every secret that appears in any recorded output.

    A secret that is also a plain value of some run (a username), or shorter than 6 characters, cannot be told
    from ordinary text; a secret of digits (a PIN) counts only where no digit touches it."""
    found = []
    for secret in sorted(SECRETS - PLAIN):
        if len(secret) < 6:
            continue
        pattern = re.compile(r"(?<!\d)%s(?!\d)" % re.escape(secret) if secret.isdigit() else re.escape(secret))
        for what, output in RUNS:
            if pattern.search(output):
                found.append((secret, what))
    return found


def ensure_collection_link():
    target = os.path.join(COLLECTIONS, "ansible_collections", "pbxops", "pbx")
    if not os.path.islink(target):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if os.path.exists(target):
            shutil.rmtree(target)
        os.symlink(REPO, target)
    return COLLECTIONS


class PlayResult:
    def __init__(self, rc, output, results):
        self.rc = rc
        self.output = output
        self.results = results  # task name -> registered result

    def __getitem__(self, name):
        return self.results[name]

    @property
    def changed(self):
        return [name for name, r in self.results.items() if r.get("changed")]

    def __repr__(self):
        return "PlayResult(rc=%s)\n%s" % (self.rc, self.output[-4000:])


def _environment(collections, tmp, env):
    run_env = dict(os.environ)
    run_env.update({
        "ANSIBLE_COLLECTIONS_PATH": collections,
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_LOCALHOST_WARNING": "0",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
        "ANSIBLE_HOME": os.path.join(tmp, "ansible-home"),
    })
    run_env.pop("PYTHONPATH", None)
    if env:
        run_env.update(env)
    return run_env


def connection_environment(url, connection):
    """The PBX_* variables that give every module its connection (as an AWX credential would)."""
    env = {"PBX_URL": url}
    for key, value in connection.items():
        if value is not None:
            env["PBX_" + key.upper()] = str(value)
    return env


def run_playbook_text(url, connection, text, extra_vars=None, check=False, timeout=600):
    """Run a playbook written as YAML text (so that YAML's own reading of it is tested), with the
    connection in the environment. Returns (returncode, output)."""
    collections = ensure_collection_link()
    tmp = tempfile.mkdtemp(prefix="pbxplay-")
    path = os.path.join(tmp, "play.yml")
    with open(path, "w") as fh:
        fh.write(text)
    cmd = [ANSIBLE_PLAYBOOK, "-i", "localhost,", "-c", "local", path]
    if check:
        cmd.append("--check")
    if extra_vars:
        cmd += ["-e", json.dumps(extra_vars)]
    env = _environment(collections, tmp, connection_environment(url, connection))
    proc = subprocess.run(cmd, check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                          timeout=timeout, universal_newlines=True)
    shutil.rmtree(tmp, ignore_errors=True)
    record("playbook text", proc.stdout, yaml.safe_load(text), extra_vars, connection)
    return proc.returncode, proc.stdout


def make_tenant(sim, platform, connection=None, name=None):
    """The tenant a test works in: pbx_tenant where the platform has the API, a fixture for IPCortex
    companies (which have none)."""
    from samples import TENANT, TENANT_ARGS, TENANT_FIXTURE

    name = name or TENANT
    if platform not in TENANT_ARGS:
        fixture, items = TENANT_FIXTURE[platform]
        sim.fixtures(platform, fixture, [dict(item, name=name) for item in items])
        return
    args = dict(TENANT_ARGS[platform], name=name)
    if "domain" in args:
        args["domain"] = name + ".example.com"
    connection = dict(connection or CONNECTION[platform])
    result = run_play(connection.pop("url", sim.url), connection, [{"name": "tenant", "pbxops.pbx.pbx_tenant": args}])
    assert result.rc == 0 and result["tenant"]["changed"], result


def assert_ok(result, name):
    """The result of task ``name``, which must have succeeded (the play's output tail otherwise)."""
    r = result[name]
    assert not r.get("failed"), "%s failed: %s\n%s" % (name, r.get("msg"), result.output[-3000:])
    return r


def assert_failed(result, name, *words):
    """The result of task ``name``, which must have failed with every one of ``words`` in its message."""
    r = result[name]
    assert r.get("failed"), "%s should have failed: %r" % (name, r)
    msg = r.get("msg", "")
    for word in words:
        assert word in msg, "%r not in failure message %r" % (word, msg)
    return r


def assert_predicted(result, name, *words):
    """Task ``name`` of a check-mode run named an object that does not exist (yet): it succeeded, predicted the
    change, and warned with every one of ``words`` that a real run fails unless an earlier task creates it."""
    r = assert_ok(result, name)
    assert r.get("changed"), "%s: check mode should predict the change: %r" % (name, r)
    text = " ".join(r.get("warnings") or [])
    for word in list(words) + ["check mode predicts this change as if an earlier task of the play created it"]:
        assert word in text, "%r not in the warnings of %s: %r" % (word, name, r.get("warnings"))
    return r


def views(result):
    """(before, after) of a single-form result's diff, as the module renders them (JSON text)."""
    return json.loads(result["diff"]["before"]), json.loads(result["diff"]["after"])


PLAYBOOKS = os.path.join(REPO, "playbooks")
INVENTORY = os.path.join(PLAYBOOKS, "inventory", "example.yml")


class PlaybookRun:
    def __init__(self, rc, output):
        self.rc = rc
        self.output = output

    @property
    def recap(self):
        """host -> {"ok": n, "changed": n, "failed": n, ...} from the PLAY RECAP."""
        out = {}
        for host, counts in re.findall(r"^(\S+)\s+:\s+(ok=.*)$", self.output, re.M):
            out[host] = dict((k, int(v)) for k, v in re.findall(r"(\w+)=(\d+)", counts))
        return out

    def changed(self):
        return dict((host, counts["changed"]) for host, counts in self.recap.items())

    def __repr__(self):
        return "PlaybookRun(rc=%s)\n%s" % (self.rc, self.output[-6000:])


def run_playbook(url, playbook, *args, env=None, timeout=900):
    """Run one of playbooks/ on the example inventory (one host per platform), with pbx_url the simulator."""
    collections = ensure_collection_link()
    tmp = tempfile.mkdtemp(prefix="pbxplay-")
    cmd = [ANSIBLE_PLAYBOOK, "-i", INVENTORY, os.path.join(PLAYBOOKS, playbook), "-e", "pbx_url=" + url]
    cmd += list(args)
    proc = subprocess.run(cmd, check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          env=_environment(collections, tmp, env), timeout=timeout, universal_newlines=True)
    shutil.rmtree(tmp, ignore_errors=True)
    record(playbook, proc.stdout, _inventory_vars(), list(args), env=env)
    return PlaybookRun(proc.returncode, proc.stdout)


def _inventory_vars():
    """The example inventory's variables (the tenant definitions of host_vars carry the playbooks' secrets)."""
    out = []
    for folder, _dirs, files in os.walk(os.path.dirname(INVENTORY)):
        for name in files:
            if name.endswith((".yml", ".yaml")):
                with open(os.path.join(folder, name)) as fh:
                    out.append(yaml.safe_load(fh))
    return out


def run_play(url, connection, tasks, check=False, diff=False, verbosity=0, extra_vars=None, env=None,
             module_defaults=True, timeout=600):
    """Run tasks (list of {name: module_args} dicts with a 'name') in one play.

    Every task registers its result and never aborts the play (ignore_errors),
    so failing tasks can be inspected.  Returns a PlayResult.
    """
    collections = ensure_collection_link()
    tmp = tempfile.mkdtemp(prefix="pbxplay-")
    out_file = os.path.join(tmp, "results.json")
    play_tasks = []
    names = []
    for index, task in enumerate(tasks):
        task = dict(task)
        name = task.setdefault("name", "task %d" % index)
        reg = "r%d" % index
        task["register"] = reg
        task["ignore_errors"] = True
        play_tasks.append(task)
        names.append((name, reg))
    collect = "{{ {%s} | to_json }}" % ", ".join("%s: %s" % (json.dumps(n), r) for n, r in names)
    play_tasks.append({"name": "collect results", "ansible.builtin.copy": {
        "content": collect, "dest": out_file, "mode": "0600"}, "check_mode": False, "diff": False})
    play = {"name": "pbx test play", "hosts": "localhost", "gather_facts": False, "tasks": play_tasks}
    if module_defaults:
        defaults = dict(connection)
        defaults.setdefault("url", url)
        play["module_defaults"] = {"group/pbxops.pbx.pbx": defaults}
    path = os.path.join(tmp, "play.yml")
    with open(path, "w") as fh:
        yaml.safe_dump([play], fh, sort_keys=False)
    cmd = [ANSIBLE_PLAYBOOK, "-i", "localhost,", "-c", "local", path]
    if check:
        cmd.append("--check")
    if diff:
        cmd.append("--diff")
    if verbosity:
        cmd.append("-" + "v" * verbosity)
    if extra_vars:
        cmd += ["-e", json.dumps(extra_vars)]
    run_env = _environment(collections, tmp, env)
    proc = subprocess.run(cmd, check=False, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=run_env, timeout=timeout,
                          universal_newlines=True)
    results = {}
    if os.path.exists(out_file):
        with open(out_file) as fh:
            results = json.load(fh)
    shutil.rmtree(tmp, ignore_errors=True)
    record(" / ".join(name for name, _reg in names), proc.stdout + json.dumps(results), tasks, connection, extra_vars,
           env=env)
    return PlayResult(proc.returncode, proc.stdout, results)
