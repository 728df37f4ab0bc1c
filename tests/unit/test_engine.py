"""The reconcile engine against an in-memory driver (the drivers themselves are
tested over HTTP against the simulator in tests/integration)."""

import copy

import pytest

from ansible_collections.pbxops.pbx.plugins.module_utils._client import AmbiguousWrite, PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import Driver
from ansible_collections.pbxops.pbx.plugins.module_utils._engine import Engine
from ansible_collections.pbxops.pbx.plugins.module_utils._fields import EXTENSION, MASK


class MemoryDriver(Driver):
    name = label = "memory"
    OPTIONS = {"extension": frozenset(EXTENSION.options)}

    def __init__(self, objects=()):
        self.objects = dict((o["number"], dict(o)) for o in objects)
        self.writes = []
        self.lists = 0
        self.fail_on = {}  # (action, number) -> exception to raise once

    def list(self, kind, tenant):
        self.lists += 1
        return [dict((k, v) for k, v in o.items() if k not in EXTENSION.secrets) for o in self.objects.values()]

    def _maybe_fail(self, action, number, apply):
        exc = self.fail_on.pop((action, number), None)
        if exc is not None and getattr(exc, "after_apply", False):
            apply()
        if exc is not None:
            raise exc
        apply()

    def create(self, kind, tenant, item):
        self.writes.append(("create", item["number"]))
        self._maybe_fail("create", item["number"], lambda: self.objects.__setitem__(item["number"], dict(item)))

    def update(self, kind, tenant, current, changes, item):
        self.writes.append(("update", current["number"], sorted(changes)))
        self._maybe_fail("update", current["number"], lambda: self.objects[current["number"]].update(changes))

    def delete(self, kind, tenant, current):
        self.writes.append(("delete", current["number"]))
        self._maybe_fail("delete", current["number"], lambda: self.objects.pop(current["number"]))


def engine(driver, **kwargs):
    kwargs.setdefault("sleep", lambda s: None)
    return Engine(driver, EXTENSION, **kwargs)


def item(number, state="present", **opts):
    return dict(opts, number=number, state=state)


def test_plan_create_update_noop_delete():
    d = MemoryDriver([{"number": "1", "email": "a@x"}, {"number": "2", "email": "b@x"}, {"number": "3"}])
    report = engine(d).run([item("1", email="a@x"), item("2", email="new@x"), item("3", state="absent"),
                            item("4", email="d@x")])
    assert report["summary"] == {"created": 1, "updated": 1, "deleted": 1, "unchanged": 1}
    assert d.writes == [("delete", "3"), ("update", "2", ["email"]), ("create", "4")]
    assert d.lists == 1


def test_secrets_are_written_on_create_only_unless_always():
    d = MemoryDriver([{"number": "1", "email": "a@x", "sip_password": "old"}])
    report = engine(d).run([item("1", email="a@x", sip_password="new")])
    assert report["changed"] is False and d.writes == []
    report = engine(d, update_password="always").run([item("1", email="a@x", sip_password="new")])
    assert report["changed"] is True and d.writes == [("update", "1", ["sip_password"])]
    assert report["diff"][0]["after"]["sip_password"] == MASK
    assert "new" not in repr(report["diff"])


def test_check_mode_writes_nothing_and_reports_the_same():
    start = [{"number": "1", "email": "a@x"}]
    wanted = [item("1", email="b@x"), item("2", email="c@x", sip_password="s")]
    checked = MemoryDriver(start)
    predicted = engine(checked, check_mode=True).run(copy.deepcopy(wanted))
    assert checked.writes == []
    real = MemoryDriver(start)
    applied = engine(real).run(copy.deepcopy(wanted))
    assert predicted["diff"] == applied["diff"] and predicted["summary"] == applied["summary"]
    assert predicted["changed"] is True and applied["changed"] is True


def test_purge_deletes_only_unnamed_objects():
    d = MemoryDriver([{"number": str(n)} for n in range(1, 5)])
    report = engine(d, purge=True).run([item("1"), item("3")])
    assert sorted(w for w in d.writes) == [("delete", "2"), ("delete", "4")]
    assert report["summary"]["deleted"] == 2 and report["summary"]["unchanged"] == 2


def test_failure_reports_applied_and_not_applied():
    d = MemoryDriver()
    d.fail_on[("create", "2")] = PbxError("POST /users failed: HTTP 400: bad")
    report = engine(d).run([item("1"), item("2"), item("3")])
    failure = report["failure"]
    assert failure.details["applied"] == ["1"] and failure.details["not_applied"] == ["2", "3"]
    assert "extension 2: could not create it" in failure.msg and "HTTP 400: bad" in failure.msg
    assert report["changed"] is True
    assert [o.get("applied") for o in report["objects"]] == [True, False, False]


def test_doubtful_write_is_reread_not_resent():
    d = MemoryDriver()
    exc = AmbiguousWrite("POST /users: connection dropped", retry_after=0)
    exc.after_apply = True  # the PBX stored it, the answer got lost
    d.fail_on[("create", "1")] = exc
    report = engine(d).run([item("1", email="a@x")])
    assert report["failure"] is None
    assert d.writes == [("create", "1")], "the create must not be sent twice"
    assert d.lists == 2, "the object must be read again before deciding"


def test_doubtful_write_that_did_not_land_is_sent_again():
    d = MemoryDriver()
    d.fail_on[("create", "1")] = AmbiguousWrite("POST /users: HTTP 503", retry_after=0)
    report = engine(d).run([item("1", email="a@x")])
    assert report["failure"] is None
    assert d.writes == [("create", "1"), ("create", "1")]
    assert d.objects["1"]["email"] == "a@x"


def test_doubtful_writes_give_up_after_retries():
    d = MemoryDriver()

    class Always(dict):
        def pop(self, key, default=None):
            return AmbiguousWrite("HTTP 503", retry_after=0)

    d.fail_on = Always()
    report = engine(d, retries=2).run([item("1")])
    assert report["failure"] is not None and len(d.writes) == 3


def test_unsupported_kind_names_the_platform():
    with pytest.raises(PbxError, match="memory"):
        MemoryDriver().supported_options("erl")


def test_removal_diffs_leave_out_the_raw_vendor_record():
    raw = {"userName": "1", "sipPassword": "clear-text-secret"}
    d = MemoryDriver([{"number": "1", "email": "a@x", "api_fields": raw}, {"number": "2", "api_fields": raw}])
    report = engine(d, purge=True).run([item("1", state="absent")])
    assert [o["before"] for o in report["objects"]] == [{"number": "1", "email": "a@x"}, {"number": "2"}]
    assert "clear-text-secret" not in repr(report["diff"])
