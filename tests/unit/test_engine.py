"""The reconcile engine against an in-memory driver (the drivers themselves are
tested over HTTP against the simulator in tests/integration)."""

import copy
import json

import pytest

from ansible_collections.pbxops.pbx.plugins.module_utils._client import AmbiguousWrite, PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import Driver, Kind, TenantMissing
from ansible_collections.pbxops.pbx.plugins.module_utils._engine import Engine
from ansible_collections.pbxops.pbx.plugins.module_utils._fields import EXTENSION, MASK, PHONE


class MemoryPlatform(Driver):
    name = label = "memory"

    def __init__(self):  # pylint: disable=super-init-not-called
        self.client = self.params = None
        self.warnings = []


class MemoryKind(Kind):
    """Extensions kept in a dict: what the engine sees of a platform, without HTTP."""

    kind = "extension"
    OPTIONS = frozenset(EXTENSION.options)

    def __init__(self, objects=(), whole_pbx=False, missing_tenant=None):
        super(MemoryKind, self).__init__(MemoryPlatform())
        self.objects = dict((o["number"], dict(o)) for o in objects)
        self.writes = []
        self.lists = 0
        self.fail_on = {}  # (action, number) -> exception to raise once
        self.spans_pbx = whole_pbx
        self.missing_tenant = missing_tenant
        self.refuse_delete = set()
        self.unreadable_after_failure = False

    def whole_pbx(self, tenant):
        return self.spans_pbx

    def list(self, tenant):
        if self.missing_tenant is not None:
            raise TenantMissing("memory: tenant %r does not exist" % tenant, creatable=self.missing_tenant)
        if self.unreadable_after_failure and self.writes:
            raise PbxError("GET /users: HTTP 503")
        self.lists += 1
        return [dict((k, v) for k, v in o.items() if k not in EXTENSION.secrets) for o in self.objects.values()]

    def validate_delete(self, tenant, current):
        if current["number"] in self.refuse_delete:
            raise PbxError("extension %s must stay" % current["number"])

    def _maybe_fail(self, action, number, apply):
        exc = self.fail_on.pop((action, number), None)
        if exc is not None and getattr(exc, "after_apply", False):
            apply()
        if exc is not None:
            raise exc
        apply()

    def create(self, tenant, item):
        self.writes.append(("create", item["number"]))
        self._maybe_fail("create", item["number"], lambda: self.objects.__setitem__(item["number"], dict(item)))

    def update(self, tenant, current, changes, item):
        self.writes.append(("update", current["number"], sorted(changes)))
        self._maybe_fail("update", current["number"], lambda: self.objects[current["number"]].update(changes))

    def delete(self, tenant, current):
        self.writes.append(("delete", current["number"]))
        self._maybe_fail("delete", current["number"], lambda: self.objects.pop(current["number"]))


def engine(driver, **kwargs):
    kwargs.setdefault("sleep", lambda s: None)
    return Engine(driver, EXTENSION, **kwargs)


def item(number, state="present", **opts):
    return dict(opts, number=number, state=state)


def test_plan_create_update_noop_delete():
    d = MemoryKind([{"number": "1", "email": "a@x"}, {"number": "2", "email": "b@x"}, {"number": "3"}])
    report = engine(d).run([item("1", email="a@x"), item("2", email="new@x"), item("3", state="absent"),
                            item("4", email="d@x")])
    assert report["summary"] == {"created": 1, "updated": 1, "deleted": 1, "unchanged": 1}
    assert d.writes == [("delete", "3"), ("update", "2", ["email"]), ("create", "4")]
    assert d.lists == 1


def test_secrets_are_written_on_create_only_unless_always():
    d = MemoryKind([{"number": "1", "email": "a@x", "sip_password": "old"}])
    report = engine(d).run([item("1", email="a@x", sip_password="new")])
    assert report["changed"] is False and d.writes == []
    report = engine(d, update_password="always").run([item("1", email="a@x", sip_password="new")])
    assert report["changed"] is True and d.writes == [("update", "1", ["sip_password"])]
    assert report["objects"][0]["after"]["sip_password"] == MASK
    assert json.loads(report["diff"][0]["after"])["sip_password"] == MASK
    assert "new" not in repr(report["diff"])


def test_check_mode_writes_nothing_and_reports_the_same():
    start = [{"number": "1", "email": "a@x"}]
    wanted = [item("1", email="b@x"), item("2", email="c@x", sip_password="s")]
    checked = MemoryKind(start)
    predicted = engine(checked, check_mode=True).run(copy.deepcopy(wanted))
    assert checked.writes == []
    real = MemoryKind(start)
    applied = engine(real).run(copy.deepcopy(wanted))
    assert predicted["diff"] == applied["diff"] and predicted["summary"] == applied["summary"]
    assert predicted["changed"] is True and applied["changed"] is True


def test_purge_deletes_only_unnamed_objects():
    d = MemoryKind([{"number": str(n)} for n in range(1, 5)])
    report = engine(d, purge=True).run([item("1"), item("3")])
    assert sorted(w for w in d.writes) == [("delete", "2"), ("delete", "4")]
    assert report["summary"]["deleted"] == 2 and report["summary"]["unchanged"] == 2


def test_failure_reports_applied_and_not_applied():
    d = MemoryKind()
    d.fail_on[("create", "2")] = PbxError("POST /users failed: HTTP 400: bad")
    report = engine(d).run([item("1"), item("2"), item("3")])
    failure = report["failure"]
    assert failure.details["applied"] == ["1"] and failure.details["not_applied"] == ["2"]
    assert failure.details["not_attempted"] == ["3"], "the run stopped at 2: 3 was never sent"
    assert "extension 2: could not create it" in failure.msg and "HTTP 400: bad" in failure.msg
    assert "stopped at extension 2 of 3 planned changes" in failure.msg
    assert "applied: 1; not applied: 2; not attempted: 3" in failure.msg
    assert report["changed"] is True
    assert [o["outcome"] for o in report["objects"]] == ["applied", "not_applied", "not_attempted"]
    # The summary says what was done, not what was planned.
    assert report["summary"] == {"created": 1, "updated": 0, "deleted": 0, "unchanged": 0, "not_applied": 1,
                                 "not_attempted": 1}


def test_failure_is_judged_from_what_the_pbx_holds_afterwards():
    """A bulk create that made every object, then a failed follow-up write: the objects exist."""
    d = MemoryKind([{"number": "9"}])
    exc = PbxError("POST /update failed: HTTP 400: no")
    exc.after_apply = True  # the object is stored, but not with every option
    d.fail_on[("create", "2")] = exc

    def create(tenant, item):
        d.writes.append(("create", item["number"]))
        half = dict(item, email=None) if item["number"] == "2" else dict(item)
        d._maybe_fail("create", item["number"], lambda: d.objects.__setitem__(item["number"], half))

    d.create = create
    report = engine(d).run([item("1", email="a@x"), item("2", email="b@x"), item("3", email="c@x"),
                            item("9", email="new@x")])
    details = report["failure"].details
    assert (details["applied"], details["partial"], details["not_attempted"]) == (["9", "1"], ["2"], ["3"])
    assert report["summary"] == {"created": 2, "updated": 1, "deleted": 0, "unchanged": 0, "not_applied": 0,
                                 "not_attempted": 1}
    assert "partly applied: 2" in report["failure"].msg and "not attempted: 3" in report["failure"].msg
    assert d.lists == 2, "one listing to plan, one to see what the failure left"


def test_failure_without_a_readable_pbx_says_so():
    d = MemoryKind()
    d.unreadable_after_failure = True
    d.fail_on[("create", "2")] = PbxError("POST /users: HTTP 503")
    e = engine(d)
    report = e.run([item("1"), item("2"), item("3")])
    details = report["failure"].details
    assert (details["applied"], details["unknown"], details["not_attempted"]) == (["1"], ["2"], ["3"])
    assert report["summary"]["unknown"] == 1 and any("could not be read again" in w for w in e.warnings)
    assert "the PBX could not be read again: applied: 1; unknown: 2; not attempted: 3" in report["failure"].msg


def test_a_long_failure_names_the_first_objects_and_counts_the_rest():
    d = MemoryKind()
    d.fail_on[("create", "5")] = PbxError("POST /users: HTTP 400")
    report = engine(d).run([item(str(n)) for n in range(1, 31)])
    details = report["failure"].details
    assert details["applied"] == ["1", "2", "3", "4"] and len(details["not_attempted"]) == 25
    assert "not attempted: 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 and 15 more (25 in all)" in report["failure"].msg


def test_only_changed_objects_are_listed():
    d = MemoryKind([{"number": str(n), "email": "a@x"} for n in range(1, 1001)])
    report = engine(d).run([item(str(n), email="a@x" if n != 7 else "b@x") for n in range(1, 1001)])
    assert [o["number"] for o in report["objects"]] == ["7"] and len(report["diff"]) == 1
    assert report["summary"]["unchanged"] == 999


def test_a_purge_over_the_whole_pbx_needs_the_opt_in_and_says_how_much():
    objects = [{"number": "1", "_tenant": "hq"}, {"number": "2", "_tenant": "hq"}, {"number": "3"}]
    for check_mode in (True, False):
        d = MemoryKind(objects, whole_pbx=True)
        with pytest.raises(PbxError) as info:
            engine(d, purge=True, check_mode=check_mode).run([item("1")])
        assert "delete 2 extensions" in info.value.msg and "1 in hq, 1 in no tenant" in info.value.msg
        assert "purge_all_tenants" in info.value.msg and d.writes == []
    d = MemoryKind(objects, whole_pbx=True)
    report = engine(d, purge=True, purge_all_tenants=True, check_mode=True).run([item("1")])
    assert report["summary"]["deleted"] == 2 and d.writes == []


def test_refused_deletes_stop_the_plan_in_check_mode_too():
    for check_mode in (True, False):
        d = MemoryKind([{"number": "1"}, {"number": "2"}])
        d.refuse_delete = {"2"}
        with pytest.raises(PbxError, match="extension 2 must stay"):
            engine(d, purge=True, check_mode=check_mode).run([item("3")])
        assert d.writes == []


def test_a_missing_tenant_fails_but_check_mode_predicts_it_empty_when_it_can_be_created():
    d = MemoryKind(missing_tenant=True)
    with pytest.raises(TenantMissing):
        engine(d).run([item("1")])
    e = engine(MemoryKind(missing_tenant=True), check_mode=True)
    report = e.run([item("1"), item("2", state="absent")])
    assert report["summary"]["created"] == 1 and report["summary"]["unchanged"] == 1
    assert "does not exist" in e.warnings[0]
    with pytest.raises(TenantMissing):
        engine(MemoryKind(missing_tenant=False), check_mode=True).run([item("1")])


def test_diffs_are_text_with_unicode_as_it_is():
    d = MemoryKind([{"number": "1", "name": "Rene"}])
    report = engine(d).run([item("1", name="Ren\u00e9")])
    text = report["diff"][0]["after"]
    assert "Ren\u00e9" in text and "\\u00e9" not in text
    assert json.loads(text) == {"number": "1", "name": "Ren\u00e9"}


def test_doubtful_write_is_reread_not_resent():
    d = MemoryKind()
    exc = AmbiguousWrite("POST /users: connection dropped", retry_after=0)
    exc.after_apply = True  # the PBX stored it, the answer got lost
    d.fail_on[("create", "1")] = exc
    report = engine(d).run([item("1", email="a@x")])
    assert report["failure"] is None
    assert d.writes == [("create", "1")], "the create must not be sent twice"
    assert d.lists == 2, "the object must be read again before deciding"


def test_doubtful_write_that_did_not_land_is_sent_again():
    d = MemoryKind()
    d.fail_on[("create", "1")] = AmbiguousWrite("POST /users: HTTP 503", retry_after=0)
    report = engine(d).run([item("1", email="a@x")])
    assert report["failure"] is None
    assert d.writes == [("create", "1"), ("create", "1")]
    assert d.objects["1"]["email"] == "a@x"


def test_doubtful_writes_give_up_after_retries():
    d = MemoryKind()

    class Always(dict):
        def pop(self, key, default=None):
            return AmbiguousWrite("HTTP 503", retry_after=0)

    d.fail_on = Always()
    report = engine(d, retries=2).run([item("1")])
    assert report["failure"] is not None and len(d.writes) == 3


def test_unsupported_kind_names_the_platform():
    with pytest.raises(PbxError, match="memory"):
        MemoryPlatform().kind("erl")


def test_removal_diffs_leave_out_the_raw_vendor_record():
    raw = {"userName": "1", "sipPassword": "clear-text-secret"}
    d = MemoryKind([{"number": "1", "email": "a@x", "api_fields": raw}, {"number": "2", "api_fields": raw}])
    report = engine(d, purge=True).run([item("1", state="absent")])
    assert [o["before"] for o in report["objects"]] == [{"number": "1", "email": "a@x"}, {"number": "2"}]
    assert "clear-text-secret" not in repr(report["diff"])


class ReplacingKind(MemoryKind):
    """Objects whose "name" cannot change in place, and that can be pushed."""

    kind = "phone"
    OPTIONS = frozenset(["model", "description"])

    def __init__(self, objects=()):
        super(ReplacingKind, self).__init__(())
        self.resource = PHONE
        self.objects = dict((o["mac"], dict(o)) for o in objects)
        self.pushes = []

    def list(self, tenant):
        self.lists += 1
        return [dict(o) for o in self.objects.values()]

    def replaces(self, tenant, current, changes):
        return "model" in changes

    def create(self, tenant, item):
        self.writes.append(("create", item["mac"]))
        self.objects[item["mac"]] = dict(item)

    def update(self, tenant, current, changes, item):
        self.writes.append(("update", current["mac"], sorted(changes)))
        self.objects[current["mac"]].update(changes)

    def delete(self, tenant, current):
        self.writes.append(("delete", current["mac"]))
        self.objects.pop(current["mac"])

    def push(self, tenant, steps):
        self.pushes.append(sorted(s.key for s in steps))


def phone(mac, **opts):
    return dict(opts, mac=mac, state=opts.pop("state", "present"))


def test_a_change_that_cannot_be_made_in_place_is_a_replacement_in_check_mode_too():
    start = [{"mac": "0004f2000001", "model": "a", "description": "x"}]
    for check_mode in (True, False):
        d = ReplacingKind(start)
        report = Engine(d, PHONE, check_mode=check_mode, sleep=lambda s: None).run(
            [phone("0004f2000001", model="b", description="x")])
        assert report["summary"] == {"created": 0, "updated": 0, "replaced": 1, "deleted": 0, "unchanged": 0}
        assert report["objects"][0]["action"] == "replaced"
        assert report["objects"][0]["before"] == {"mac": "0004f2000001", "model": "a", "description": "x"}
        assert report["objects"][0]["after"] == {"mac": "0004f2000001", "model": "b", "description": "x"}
        assert d.writes == ([] if check_mode else [("delete", "0004f2000001"), ("create", "0004f2000001")])


def test_push_only_the_changed_once_and_never_in_check_mode():
    start = [{"mac": "0004f200000%d" % n, "model": "a", "description": "x"} for n in (1, 2, 3)]
    wanted = [phone("0004f2000001", model="a", description="y"), phone("0004f2000002", model="a", description="x"),
              phone("0004f2000003", model="b"), phone("0004f2000004", model="a")]
    d = ReplacingKind(start)
    report = Engine(d, PHONE, check_mode=True, push="changed", sleep=lambda s: None).run(copy.deepcopy(wanted))
    assert report["pushed"] == ["0004f2000001", "0004f2000003", "0004f2000004"] and d.pushes == []
    d = ReplacingKind(start)
    report = Engine(d, PHONE, push="changed", sleep=lambda s: None).run(copy.deepcopy(wanted))
    assert d.pushes == [["0004f2000001", "0004f2000003", "0004f2000004"]], "one push call, each phone once"
    assert report["pushed"] == ["0004f2000001", "0004f2000003", "0004f2000004"]
    d = ReplacingKind([dict(o, model="a", description="y") for o in start])
    report = Engine(d, PHONE, push="always", sleep=lambda s: None).run([phone("0004f2000001", model="a")])
    assert d.pushes == [["0004f2000001"]] and report["changed"] is True
    d = ReplacingKind(start)
    assert Engine(d, PHONE, push="never", sleep=lambda s: None).run(copy.deepcopy(wanted))["pushed"] == []
    assert d.pushes == []


def test_a_failed_push_reports_every_change_applied():
    d = ReplacingKind()

    def push(tenant, steps):
        raise PbxError("PUT /api/phones/sendProfile failed: HTTP 500: boom")

    d.push = push
    report = Engine(d, PHONE, push="changed", sleep=lambda s: None).run([phone("0004f2000001", model="a")])
    assert "sending the configuration to the phones failed" in report["failure"].msg
    assert report["failure"].details["applied"] == ["0004f2000001"] and report["summary"]["created"] == 1
