# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Glue between AnsibleModule and the engine, shared by every resource module.

A resource module only declares its documentation and calls
``run_resource_module("<kind>")``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from collections.abc import Mapping
from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib
from ansible.module_utils.common.validation import (
    check_type_bool, check_type_dict, check_type_int, check_type_list, check_type_str)

from ansible_collections.pbxops.pbx.plugins.module_utils._client import (
    REQUESTS_IMPORT_ERROR, Client, PbxError, check_ca_path, check_url)
from ansible_collections.pbxops.pbx.plugins.module_utils._engine import Engine
from ansible_collections.pbxops.pbx.plugins.module_utils._fields import RESOURCES, whole_number_problem


def _sipxcom():
    from ansible_collections.pbxops.pbx.plugins.module_utils._sipxcom import SipxcomDriver
    return SipxcomDriver


def _ipcortex():
    from ansible_collections.pbxops.pbx.plugins.module_utils._ipcortex import IpcortexDriver
    return IpcortexDriver


def _portsip():
    from ansible_collections.pbxops.pbx.plugins.module_utils._portsip import PortsipDriver
    return PortsipDriver


class _Drivers(Mapping):
    """Platform name -> driver class, each imported when first asked for: a module run compiles only its
    platform's driver (AnsiballZ ships module_utils as source, compiled on every run)."""

    def __init__(self, loaders):
        self._loaders = loaders
        self._loaded = {}

    def __getitem__(self, name):
        if name not in self._loaded:
            self._loaded[name] = self._loaders[name]()
        return self._loaded[name]

    def __iter__(self):
        return iter(self._loaders)

    def __len__(self):
        return len(self._loaders)


DRIVERS = _Drivers({"sipxcom": _sipxcom, "ipcortex": _ipcortex, "portsip": _portsip})
# The longest timeout (seconds) a task may set: one day.
MAX_TIMEOUT = 86400
# A list longer than this is not echoed back in the result's invocation: a 10,000-item
# list would be most of what the controller has to read back.
ECHO_ITEMS = 100


def connection_argument_spec():
    """The connection options of every module (documented in the pbxops.pbx.connection fragment)."""
    return dict(
        platform=dict(type="str", required=True, choices=sorted(DRIVERS), fallback=(env_fallback, ["PBX_PLATFORM"])),
        url=dict(type="str", required=True, fallback=(env_fallback, ["PBX_URL"])),
        username=dict(type="str", fallback=(env_fallback, ["PBX_USERNAME"])),
        password=dict(type="str", no_log=True, fallback=(env_fallback, ["PBX_PASSWORD"])),
        api_key=dict(type="str", no_log=True, fallback=(env_fallback, ["PBX_API_KEY"])),
        validate_certs=dict(type="bool", default=True, fallback=(env_fallback, ["PBX_VALIDATE_CERTS"])),
        ca_path=dict(type="path", fallback=(env_fallback, ["PBX_CA_PATH"])),
        timeout=dict(type="int", default=30, fallback=(env_fallback, ["PBX_TIMEOUT"])),
        retries=dict(type="int", default=3, fallback=(env_fallback, ["PBX_RETRIES"])),
        tenant=dict(type="str", fallback=(env_fallback, ["PBX_TENANT"])),
    )


def resource_argument_spec(resource):
    spec = resource.option_spec()
    # The items of the list form are checked by ListItems, from the same field table: Ansible's
    # sub-spec validation costs half a second per 10,000 items and names no item in its errors.
    # Their documentation is compared with the field table in tests/unit/test_docs.py.
    spec[resource.plural] = dict(type="list", elements="dict")
    spec["state"] = dict(type="str", default="present", choices=["present", "absent"])
    if resource.secrets:
        spec["update_password"] = dict(type="str", default="on_create", choices=["on_create", "always"], no_log=False)
    spec["purge"] = dict(type="bool", default=False)
    if resource.name != "tenant":
        spec["purge_all_tenants"] = dict(type="bool", default=False)
    spec.update(resource.task_options)
    return spec


class PbxModule(AnsibleModule):
    """AnsibleModule that keeps every secret of the arguments out of every exit, and sets aside, before Ansible
    checks them, the whole-number values it would get wrong.

    Ansible learns the no_log values of the options it validates itself; the items of a list form are checked
    by ListItems, which may refuse an item before it has met the secrets of the others. So the values of every
    option named in ``secret_names``, at any depth and whatever their shape, are registered as soon as the
    arguments are loaded, and every exit echoes the arguments masked, with a list of ``echo_list`` longer than
    ECHO_ITEMS summarised.

    ansible-core's check_type_int lets true/false through as they are, and raises OverflowError (a traceback,
    not a failure) on .inf or "inf", also from an environment fallback (PBX_TIMEOUT=inf). Such a value is
    replaced by 0 for Ansible's own validation and refused right after it (refused_numbers).
    """

    def __init__(self, secret_names=(), echo_list=None, **kwargs):
        # Set before AnsibleModule's own checks, which may already exit.
        self.secret_names = frozenset(secret_names) | frozenset(["password", "api_key"])
        self.echo_list = echo_list
        super(PbxModule, self).__init__(**kwargs)

    def _load_params(self):
        super(PbxModule, self)._load_params()
        self.no_log_values.update(secret_values(self.params, self.secret_names))
        self.refused_numbers = []
        for name, spec in self.argument_spec.items():
            if spec.get("type") != "int":
                continue
            value, source = self.params.get(name), name
            fallback = spec.get("fallback")
            if value is None and fallback and fallback[0] is env_fallback:
                for var in fallback[1]:
                    if var in os.environ:
                        value, source = os.environ[var], "%s (from %s)" % (name, var)
                        break
            problem = whole_number_problem(value) if value is not None else None
            if problem:
                self.refused_numbers.append("%s %s" % (source, problem))
                self.params[name] = 0

    def refuse_numbers(self):
        if self.refused_numbers:
            self.fail_json(msg="; ".join(self.refused_numbers) + " (give an integer, such as 30)", changed=False)

    def masked_arguments(self):
        """The arguments as the result echoes them: secrets masked at any depth, a long list summarised."""
        args = dict(self.params)
        listed = args.get(self.echo_list)
        if isinstance(listed, list) and len(listed) > ECHO_ITEMS:
            args[self.echo_list] = "%d items (lists of more than %d are not echoed)" % (len(listed), ECHO_ITEMS)
        return masked(args, self.secret_names)

    def exit_json(self, **kwargs):
        kwargs.setdefault("invocation", {"module_args": self.masked_arguments()})
        super(PbxModule, self).exit_json(**kwargs)

    def fail_json(self, msg, **kwargs):
        kwargs.setdefault("invocation", {"module_args": self.masked_arguments()})
        super(PbxModule, self).fail_json(msg, **kwargs)


def secret_values(value, names, inside=False):
    """Every scalar held, at any depth, under a key in ``names``, as text."""
    found = set()
    if isinstance(value, dict):
        for key, item in value.items():
            found |= secret_values(item, names, inside or key in names)
    elif isinstance(value, (list, tuple)):
        for item in value:
            found |= secret_values(item, names, inside)
    elif inside and value is not None and not isinstance(value, bool) and str(value):
        found.add(str(value))
    return found


def masked(value, names):
    """``value`` with what any key in ``names`` holds, at any depth, replaced by Ansible's no_log mask."""
    if isinstance(value, dict):
        return dict((k, NO_LOG_PLACEHOLDER if k in names and v is not None else masked(v, names))
                    for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [masked(item, names) for item in value]
    return value


CHECK_TYPE = {"str": check_type_str, "bool": check_type_bool, "int": check_type_int, "list": check_type_list,
              "dict": check_type_dict}
STATES = ("present", "absent")


class ListItems:
    """The items of a list form, checked and converted the way Ansible checks top-level options.

    secrets collects every secret value met, for masking (Ansible only learns the no_log values
    of the options it validates itself).
    """

    def __init__(self, resource):
        self.resource = resource
        self.secrets = set()
        self.warnings = []

    def check(self, label, entry):
        if not isinstance(entry, dict):
            raise PbxError("%s must be a dictionary of %s options, got %s"
                           % (label, self.resource.title, type(entry).__name__))
        options = self.resource.options
        unknown = sorted(str(k) for k in entry if k not in options and k != "state")
        if unknown:
            raise PbxError("%s: unsupported option%s %s (%s takes: %s)" % (
                label, "s" if len(unknown) > 1 else "", ", ".join(unknown), label.split("[")[0],
                ", ".join(sorted(list(options) + ["state"]))))
        item = {}
        for name, value in entry.items():
            if value is None:
                continue
            if name == "state":
                if value not in STATES:
                    raise PbxError("%s: state must be one of %s, got %r" % (label, ", ".join(STATES), value))
                item[name] = value
                continue
            item[name] = self._value(label, options[name], value)
        return item

    def _value(self, label, option, value):
        where = "%s.%s" % (label, option.name)
        problem = option.not_text(value)
        if problem:
            raise PbxError("%s: %s" % (label, problem))
        problem = whole_number_problem(value) if option.type == "int" else None
        if problem:
            raise PbxError("%s %s" % (where, problem))
        try:
            if option.type == "str" and not isinstance(value, str):
                converted = check_type_str(value, allow_conversion=True)
                self.warnings.append("%s: the %s %r was converted to the string %r; quote it if that is not what "
                                     "you meant" % (where, type(value).__name__, value, converted))
                value = converted
            else:
                value = CHECK_TYPE[option.type](value)
            if option.type == "list" and option.options:
                value = [self._fields("%s[%d]" % (where, index), option, element)
                         for index, element in enumerate(value)]
            elif option.type == "list":
                value = [check_type_str(v, allow_conversion=True) if option.elements == "str" and not option.digits
                         else v for v in value]
            elif option.options:
                value = self._fields(where, option, value)
        except (TypeError, ValueError) as exc:
            raise PbxError("%s: %s" % (where, exc))
        if option.choices and value not in option.choices:
            raise PbxError("%s must be one of %s, got %r" % (where, ", ".join(str(c) for c in option.choices), value))
        if option.secret:
            self.secrets.add(str(value))
        return value

    def _fields(self, where, option, value):
        """A dict option's own fields (address, static_ip, one of ports), checked like options."""
        value = check_type_dict(value)
        known = dict((o.name, o) for o in option.options)
        unknown = sorted(str(k) for k in value if k not in known)
        if unknown:
            raise PbxError("%s: unsupported field%s %s (known: %s)" % (
                where, "s" if len(unknown) > 1 else "", ", ".join(unknown), ", ".join(sorted(known))))
        return dict((k, self._value(where, known[k], v)) for k, v in value.items() if v is not None)


def desired_items(resource, params, checker=None):
    """The objects the task asks for: only options the user set, keys normalised, duplicates refused."""
    plural = resource.plural
    checker = checker or ListItems(resource)
    if params.get(plural) is not None:
        entries = [("%s[%d]" % (plural, index), checker.check("%s[%d]" % (plural, index), entry))
                   for index, entry in enumerate(params[plural])]
    else:
        entries = [("the task", checker.check("the task", dict((name, params.get(name)) for name in resource.options)))]
    items, seen = [], {}
    options = resource.options
    key = resource.key
    digits = [o for o in options.values() if o.digits]
    nested = [o.name for o in options.values() if o.options]
    for label, entry in entries:
        item = dict((k, v) for k, v in entry.items() if v is not None and (k in options or k == "state"))
        for name in nested:
            if isinstance(item.get(name), dict):
                # Ansible fills unset sub-options with None: only what the user gave is compared.
                item[name] = dict((k, v) for k, v in item[name].items() if v is not None)
            elif isinstance(item.get(name), list):
                item[name] = [dict((k, v) for k, v in element.items() if v is not None) for element in item[name]]
        item.setdefault("state", params["state"])
        for option in digits:
            problem = option.not_text(item.get(option.name))
            if problem:
                raise PbxError("%s: %s" % (label, problem))
        if item.get(key) is None:
            raise PbxError("%s: option %s is required" % (label, key))
        try:
            item[key] = resource.normalise_key(item[key])
        except ValueError as exc:
            raise PbxError("%s: %s %s" % (label, key, exc))
        if item[key] in seen:
            raise PbxError("%s and %s both name %s %s; each %s may appear once in %s" % (
                seen[item[key]], label, resource.title, item[key], resource.title, plural))
        seen[item[key]] = label
        items.append(item)
    return items


def run_resource_module(kind):
    resource = RESOURCES[kind]
    spec = connection_argument_spec()
    spec.update(resource_argument_spec(resource))
    module = PbxModule(
        secret_names=resource.secret_names,
        echo_list=resource.plural,
        argument_spec=spec,
        supports_check_mode=True,
        mutually_exclusive=[[resource.key, resource.plural]],
        required_one_of=[[resource.key, resource.plural]],
        # The arguments are not copied into the controller's syslog: the list forms carry thousands
        # of secrets and megabytes of text (and the log sanitiser would spend a third of a second on them).
        no_log=True,
    )
    module.refuse_numbers()
    if REQUESTS_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    params = module.params
    if params["purge"] and params.get(resource.plural) is None:
        module.fail_json(msg="purge needs the list form (%s): it removes the %ss that the list does not name"
                             % (resource.plural, resource.title))

    client = driver = engine = None
    checker = ListItems(resource)
    try:
        items = desired_items(resource, params, checker)
        module.no_log_values.update(checker.secrets)
        driver_class = DRIVERS[params["platform"]]
        client = _client(module, driver_class)
        driver = driver_class(client, params)
        driver.check_connection()
        handler = driver.kind(kind)
        check_options(handler, items)
        for item in items:
            handler.validate(item, params["tenant"])
        engine = Engine(handler, resource, tenant=params["tenant"], check_mode=module.check_mode,
                        update_password=params.get("update_password") or "on_create", purge=params["purge"],
                        purge_all_tenants=params.get("purge_all_tenants"), retries=params["retries"],
                        push=params.get("push_config") or "never")
        # The diff of every change is only made when it is shown (--diff): 20,000 JSON texts for 10,000 creates.
        engine.want_diff = module._diff
        driver.connect()
        report = engine.run(items)
    except PbxError as exc:
        _close(driver)
        if client is not None:
            for warning in checker.warnings + client.warnings + driver_warnings(driver) + (
                    engine.warnings if engine else []):
                module.warn(client.scrub(warning))
        module.fail_json(msg=client.scrub(exc.msg) if client else exc.msg, changed=False)
        raise  # not reached: fail_json exits
    except Exception as exc:  # pylint: disable=broad-except
        # An answer of a shape the driver does not know (a list for an object, a missing key) from
        # something that is not the PBX's API: say which answer, not a Python traceback.
        if client is None:
            _close(driver)  # an unexpected error must not leave the session open either
            raise
        # Told before the sign-out, which is another answer.
        msg, trace = client.unexpected(exc, driver.label if driver else params["platform"])
        try:
            _close(driver)
        except Exception:  # pylint: disable=broad-except
            pass  # the sign-out may meet the same server: the first failure is the one to tell
        module.fail_json(msg=msg, exception=trace, changed=False)
        raise  # not reached: fail_json exits
    _close(driver)

    result = build_result(resource, params, engine, report, module._diff)
    if "push_config" in resource.task_options:
        result["would_push" if module.check_mode else "pushed"] = report["pushed"]
    failure = report["failure"]
    if failure is not None:
        result["msg"] = client.scrub(failure.msg)
        result.update(failure.details)
    warnings = checker.warnings + client.warnings + driver.warnings + engine.warnings
    _prepare_return(module, result, warnings)
    for warning in warnings:
        module.warn(client.scrub(warning))
    if failure is not None:
        module.fail_json(**result)
    module.exit_json(**result)


def _client(module, driver_class):
    """The HTTP client of the task's connection options, the URL and the CA file checked first."""
    params = module.params
    if not 0 < params["timeout"] <= MAX_TIMEOUT:
        # requests refuses 0 and less with ValueError, the socket layer anything past ~292 years with OverflowError.
        raise PbxError("timeout must be a number of seconds from 1 to %d, got %r" % (MAX_TIMEOUT, params["timeout"]))
    base_url = check_url(params["url"], driver_class.prefix)
    if params["validate_certs"] and base_url.startswith("https:"):
        check_ca_path(params["ca_path"])
    return Client(base_url, validate_certs=params["validate_certs"], ca_path=params["ca_path"],
                  timeout=params["timeout"], retries=params["retries"], secrets=list(module.no_log_values))


def driver_warnings(driver):
    return driver.warnings if driver is not None else []


def _close(driver):
    """Teardown must never hide the task's own outcome."""
    if driver is None:
        return
    try:
        driver.close()
    except PbxError as exc:
        driver.warnings.append("could not close the session with the PBX: %s" % exc.msg)
    except Exception as exc:  # pylint: disable=broad-except
        driver.warnings.append("could not close the session with the PBX: %s" % exc)


# pbx_info: what it can gather, by the name of the list it returns. The resource kinds come back in
# the shape their module takes; the catalogues are what the platform offers to choose from.
INFO_KINDS = (("tenants", "tenant"), ("extensions", "extension"), ("phones", "phone"), ("callgroups", "callgroup"),
              ("gateways", "gateway"), ("erls", "erl"))
INFO_CATALOGUES = (("phone_models", "phone", "models"), ("unprovisioned_phones", "phone", "unprovisioned"))


def info_argument_spec():
    choices = ["all"] + [name for name, _kind in INFO_KINDS] + [name for name, _kind, _m in INFO_CATALOGUES]
    spec = connection_argument_spec()
    spec.update(
        gather=dict(type="list", elements="str", default=["all"], choices=choices),
        keys=dict(type="list", elements="raw", no_log=False),
    )
    return spec


def run_info_module():
    module = PbxModule(argument_spec=info_argument_spec(), supports_check_mode=True, no_log=True)
    module.refuse_numbers()
    if REQUESTS_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    params = module.params
    client = driver = None
    try:
        driver_class = DRIVERS[params["platform"]]
        client = _client(module, driver_class)
        driver = driver_class(client, params)
        driver.check_connection()
        wanted, skipped = _info_plan(driver, params["gather"])
        keys = _info_keys(params.get("keys"))
        driver.connect()
        result = {"changed": False, "platform": driver.name, "tenant": params["tenant"], "skipped": skipped}
        for name, kind, method in wanted:
            handler = driver.kind(kind)
            key = RESOURCES[kind].key
            if method is None:
                found = [handler.info(obj) for obj in handler.list(params["tenant"])]
            else:
                found = getattr(handler, method)(params["tenant"])
            wanted_keys = None if keys is None else set(_info_key(kind, k) for k in keys)
            result[name] = [obj for obj in found if wanted_keys is None or _info_key(kind, obj.get(key)) in wanted_keys]
    except PbxError as exc:
        _close(driver)
        module.fail_json(msg=client.scrub(exc.msg) if client else exc.msg, changed=False)
        raise  # not reached
    except Exception as exc:  # pylint: disable=broad-except
        # As in run_resource_module: an answer of a shape the driver does not know.
        if client is None:
            _close(driver)  # an unexpected error must not leave the session open either
            raise
        # Told before the sign-out, which is another answer.
        msg, trace = client.unexpected(exc, driver.label if driver else params["platform"])
        try:
            _close(driver)
        except Exception:  # pylint: disable=broad-except
            pass  # the sign-out may meet the same server: the first failure is the one to tell
        module.fail_json(msg=msg, exception=trace, changed=False)
        raise  # not reached
    _close(driver)
    for warning in client.warnings + driver.warnings:
        module.warn(client.scrub(warning))
    module.exit_json(**result)


def _info_plan(driver, gather):
    """[(result name, kind, catalogue method or None)], {result name: why it is skipped} (no request sent)."""
    everything = "all" in gather
    wanted, skipped = [], {}
    for name, kind in INFO_KINDS:
        if everything or name in gather:
            if kind in driver.KINDS:
                wanted.append((name, kind, None))
            elif everything:
                skipped[name] = driver.NO_API.get(kind, "%s has no API for %ss" % (driver.label, RESOURCES[kind].title))
            else:
                driver.kind(kind)  # raises, naming the platform and what it lacks
    for name, kind, method in INFO_CATALOGUES:
        if everything or name in gather:
            if kind in driver.KINDS and hasattr(driver.KINDS[kind], method):
                wanted.append((name, kind, method))
            elif everything:
                skipped[name] = "%s: pbx_info cannot gather %s here" % (driver.label, name.replace("_", " "))
            else:
                raise PbxError("%s: pbx_info cannot gather %s on this platform" % (driver.label,
                                                                                   name.replace("_", " ")))
    return wanted, skipped


def _info_keys(keys):
    if keys is None:
        return None
    out = set()
    for key in keys:
        if not isinstance(key, str):
            raise PbxError("keys: %r arrived as a %s, not as text; quote it" % (key, type(key).__name__))
        out.add(key.strip())
    return out


def _info_key(kind, value):
    if value is None:
        return None
    try:
        return str(RESOURCES[kind].normalise_key(value)).lower()
    except ValueError:
        return str(value).lower()


NO_LOG_PLACEHOLDER = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def _strings(value, out):
    if isinstance(value, dict):
        for item in value.values():
            _strings(item, out)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _strings(item, out)
    elif isinstance(value, str):
        out.append(value)
    return out


def _prepare_return(module, result, warnings):
    """Mask secrets at the source, then let Ansible scan only for those that still occur.

    Ansible masks every no_log value in every string of a result: with a bulk list
    that is thousands of secrets times thousands of strings, the slowest part of
    the run.  The result only ever holds masks (engine views, client.scrub), and the
    invocation below masks every secret option, so a secret can reach the output
    only by occurring in one of the result's strings; those found are kept for
    Ansible's own masking, as a second line of defence.
    """
    result["invocation"] = {"module_args": module.masked_arguments()}
    module.no_log_values = occurring(module.no_log_values, _strings(result, []) + list(warnings))


def occurring(secrets, strings):
    """The secrets that occur in any of the strings (as a whole or inside one).

    The same answer as testing each secret against all the strings joined, without
    scanning megabytes once per secret (30,000 secrets for 10,000 extensions made that
    the module's largest cost after its HTTP): each distinct string is cut into its
    pieces of every length a secret has, and the pieces are looked up in the set.
    A secret holding the separator cannot be told apart that way and is always kept.
    """
    secrets = set(secrets)
    found = set(v for v in secrets if not v or "\x00" in v)
    lengths = sorted(set(len(v) for v in secrets if v))
    texts = set(strings)
    blob = "\x00".join(texts)
    # A C-speed scan of the joined text per secret costs about a hundredth of a Python-speed
    # piece lookup per character and length: take whichever way does less.
    if len(secrets) <= 100 * len(lengths):
        return found | set(v for v in secrets if v in blob)
    for text in texts:
        size = len(text)
        for length in lengths:
            if length > size:
                break
            for start in range(size - length + 1):
                piece = text[start:start + length]
                if piece in secrets:
                    found.add(piece)
    return found


def check_options(handler, items):
    """Options the platform cannot honour fail before any request."""
    resource = handler.resource
    supported = handler.OPTIONS
    for item in items:
        unsupported = sorted(k for k in item if k not in supported and k not in (resource.key, "state"))
        if unsupported:
            raise PbxError("%s %s: option%s %s cannot be managed on %s (its API has no such field); remove %s"
                           % (resource.title, item[resource.key], "s" if len(unsupported) > 1 else "",
                              ", ".join(unsupported), handler.driver.label,
                              "them" if len(unsupported) > 1 else "it"))


def build_result(resource, params, engine, report, want_diff):
    result = {"changed": report["changed"], "summary": report["summary"]}
    if params.get(resource.plural) is not None:
        result["objects"] = report["objects"]
        if want_diff:
            result["diff"] = report["diff"]
    else:
        step = report["steps"][0]
        result[resource.name] = engine.result_object(step)
        if want_diff:
            result["diff"] = engine.diff(step)
    return result
