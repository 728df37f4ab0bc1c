# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one reconcile engine: desired vs current -> plan -> diff -> apply.

Check mode runs exactly the same code and stops before each write, so what it
reports is what a real run would do.  After a failed write the engine reads
the PBX again, so that the result says what the PBX holds, not what was planned.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import time

from ansible_collections.pbxops.pbx.plugins.module_utils._client import AmbiguousWrite, PbxError, backoff
from ansible_collections.pbxops.pbx.plugins.module_utils._driver import ReferenceMissing, TenantMissing
from ansible_collections.pbxops.pbx.plugins.module_utils._fields import MASK

VERB = {"create": "create", "update": "update", "delete": "delete", "replace": "replace", "none": "check"}
PAST = {"create": "created", "update": "updated", "delete": "deleted", "replace": "replaced", "none": "unchanged"}
# The order writes are applied in: deletes free numbers and MACs, replacements delete before they create.
ORDER = ("delete", "replace", "update", "create")
# How far a planned change got, when a run failed part-way.
APPLIED, PARTIAL, NOT_APPLIED, UNKNOWN = "applied", "partial", "not_applied", "unknown"
# A planned change the run never sent, because it stopped at an earlier one.
NOT_ATTEMPTED = "not_attempted"
# A failure message names at most this many objects per outcome; the result lists every one.
NAMED_KEYS = 10


class Step:
    def __init__(self, key, action, item, current, changes=None):
        self.key = key
        self.action = action
        self.item = item
        self.current = current
        self.changes = changes or {}
        self.outcome = None


class ApplyFailed(PbxError):
    """A write failed; details say how far each planned change got."""


def _restrict(desired, current):
    """The part of a (nested) current value that the user's value speaks about."""
    if isinstance(desired, dict) and isinstance(current, dict):
        return dict((k, _restrict(v, current.get(k))) for k, v in desired.items())
    return current


def _keys(keys):
    if not keys:
        return "none"
    named = ", ".join(str(k) for k in keys[:NAMED_KEYS])
    if len(keys) > NAMED_KEYS:
        named += " and %d more (%d in all)" % (len(keys) - NAMED_KEYS, len(keys))
    return named


def diff_text(view):
    """A before/after view as Ansible shows it, but with non-ASCII text as it is (Ansible's own
    JSON rendering of a dict would print é as \\u00e9)."""
    return json.dumps(view, sort_keys=True, indent=4, separators=(",", ": "), ensure_ascii=False) + "\n"


class Engine:
    def __init__(self, handler, resource, tenant=None, check_mode=False, update_password="on_create",
                 purge=False, purge_all_tenants=False, retries=3, sleep=time.sleep, push="never"):
        self.handler = handler
        self.resource = resource
        self.tenant = tenant
        self.check_mode = check_mode
        self.update_password = update_password
        self.purge = purge
        self.purge_all_tenants = purge_all_tenants
        self.retries = retries
        self.sleep = sleep
        self.push = push
        self._warnings = []
        #: report() makes the diff of each change only when this is true (the module sets it from --diff)
        self.want_diff = True
        #: writes whose answer was lost, and how many of them the re-read found already applied
        self.doubtful = {"writes": 0, "landed": 0}

    @property
    def warnings(self):
        out = list(self._warnings)
        doubtful = self.doubtful["writes"]
        if doubtful:
            out.append("%d write%s got no clear answer (an error after the PBX may have applied it, or a lost "
                       "connection); each %s read back before anything was sent again: %d had been applied, %d were "
                       "sent again" % (doubtful, "" if doubtful == 1 else "s", "was" if doubtful == 1 else "were",
                                       self.doubtful["landed"], doubtful - self.doubtful["landed"]))
        return out

    # -- plan --------------------------------------------------------------------
    def current(self):
        """The PBX's objects of the kind, by key."""
        try:
            objects = self.handler.list(self.tenant)
        except TenantMissing as exc:
            if not (self.check_mode and exc.creatable):
                raise
            # A pbx_tenant task before this one is skipped by --check too: predict what this
            # task would do in the tenant that task would create.
            self._warnings.append("%s; check mode predicts this task as if the tenant existed and were empty"
                                  % exc.msg)
            self.handler.tenant_missing = True
            objects = []
        key = self.resource.key
        return dict((obj[key], obj) for obj in objects)

    def plan(self, items):
        key = self.resource.key
        self.handler.wanted = frozenset(name for item in items for name in item)
        current = self.current()
        steps = [self._step(item, current.get(item[key])) for item in items]
        if self.purge:
            named = set(item[key] for item in items)
            extra = [Step(k, "delete", None, obj) for k, obj in current.items() if k not in named]
            if extra and self.handler.whole_pbx(self.tenant) and not self.purge_all_tenants:
                raise PbxError(self._whole_pbx_refusal(extra))
            steps.extend(extra)
        for step in steps:
            if step.action == "delete":
                self.handler.validate_delete(self.tenant, step.current)
        return steps

    def _validate(self, check, *args):
        try:
            check(*args)
        except ReferenceMissing as exc:
            if not self.check_mode:
                raise
            self._warnings.append("%s; check mode predicts this change as if an earlier task of the play created "
                                  "it (a real run fails unless one does)" % exc.msg)

    def _whole_pbx_refusal(self, extra):
        title = self.resource.title
        where = {}
        for step in extra:
            where.setdefault(step.current.get("_tenant") or "no tenant", []).append(step.key)
        spread = ", ".join("%d in %s" % (len(keys), name) for name, keys in sorted(where.items()))
        return ("purge without tenant reaches every tenant of this %s: it would delete %d %s%s that the list does not "
                "name (%s). Set tenant to purge one tenant, or set purge_all_tenants: true to purge the whole PBX "
                "(run with --check first to see each one)" % (
                    self.handler.driver.label, len(extra), title, "" if len(extra) == 1 else "s", spread))

    def _step(self, item, current):
        key = item[self.resource.key]
        desired = dict((k, v) for k, v in item.items() if k != "state")
        if item.get("state", "present") == "absent":
            return Step(key, "delete" if current is not None else "none", desired, current)
        if current is None:
            self._validate(self.handler.validate_create, desired, self.tenant)
            return Step(key, "create", desired, None, dict(desired))
        wanted = set(desired) - self.resource.secrets
        current = self.handler.details(self.tenant, current, wanted)
        changes = {}
        for name, value in desired.items():
            if name == self.resource.key:
                continue
            option = self.resource.options[name]
            if option.secret:
                # Secrets cannot be read back: never compared, written per update_password.
                if self.update_password == "always":
                    changes[name] = value
            elif not option.equal(value, current.get(name)):
                changes[name] = value
        if changes:
            self._validate(self.handler.validate_update, self.tenant, current, changes)
            if self.handler.replaces(self.tenant, current, changes):
                # Fields the API cannot change in place: the object is destroyed and created again.
                self._validate(self.handler.validate_create, desired, self.tenant)
                return Step(key, "replace", desired, current, dict(desired))
        return Step(key, "update" if changes else "none", desired, current, changes)

    # -- diff ----------------------------------------------------------------------
    def views(self, step):
        """(before, after) of the managed fields, secrets masked."""
        res = self.resource
        if step.action == "delete":
            return self._known(step.current), {}
        if step.action == "create":
            return {}, res.public(step.item)
        if step.current is None:  # absent and already gone
            return {}, {}
        before = {res.key: step.key}
        for name, value in step.item.items():
            if name in res.secrets or name == res.key:
                continue
            before[name] = _restrict(value, step.current.get(name))
        if step.action == "replace":
            return before, res.public(step.item)
        after = dict(before)
        for name, value in step.changes.items():
            after[name] = MASK if name in res.secrets else value
        return before, after

    def diff(self, step):
        before, after = self.views(step)
        header = "%s %s" % (self.resource.title, step.key)
        return {"before": diff_text(before), "after": diff_text(after), "before_header": header,
                "after_header": header}

    def _known(self, current):
        """A PBX object in the options' terms. The raw API object behind api_fields is left
        out: it is the vendor's whole record, and some vendors return secrets in clear."""
        obj = self.resource.public(current)
        obj.pop("api_fields", None)
        return obj

    def result_object(self, step):
        """The object as it is (or, in check mode, would be) after the step."""
        res = self.resource
        if step.action == "delete" or (step.action == "none" and step.current is None):
            return {}
        if step.action in ("create", "replace"):
            return res.public(step.item)
        obj = self._known(step.current)
        for name, value in step.changes.items():
            obj[name] = MASK if name in res.secrets else value
        return obj

    # -- apply -------------------------------------------------------------------------
    def apply(self, steps):
        """Write what the plan says, deletes first (they free numbers and aliases)."""
        order = [s for action in ORDER for s in steps if s.action == action]
        if self.check_mode or not order:
            return
        failed = None
        try:
            creates = [s.item for s in order if s.action == "create"]
            if creates:
                self.handler.prepare_create(self.tenant, creates)
            for step in order:
                failed = step
                self._apply_one(step)
                step.outcome = APPLIED
            failed = None
        except PbxError as exc:
            raise self._failure(exc, failed, order)

    def _apply_one(self, step):
        # What is left to send: after a write whose answer was lost, a create the PBX made only in part is
        # finished with an update. The step keeps its planned action, which is what the user asked for and
        # what the summary counts (a phone created under a lost answer is still "created").
        action, current, changes = step.action, step.current, step.changes
        attempts = 0
        while True:
            try:
                if action == "create":
                    self.handler.create(self.tenant, step.item)
                elif action == "update":
                    self.handler.update(self.tenant, current, changes, step.item)
                elif action == "delete":
                    self.handler.delete(self.tenant, current)
                elif action == "replace":
                    self.handler.replace(self.tenant, current, step.item)
                return
            except AmbiguousWrite as exc:
                # The PBX may have applied it: look before sending anything again.
                attempts += 1
                if attempts > self.retries:
                    raise
                self.doubtful["writes"] += 1
                self.sleep(exc.retry_after if exc.retry_after is not None else backoff(attempts))
                try:
                    fresh = self.handler.get(self.tenant, step.key)
                except PbxError as reread:
                    # The user needs the write's own failure first: the read only says the PBX is still away.
                    raise PbxError("%s; reading it back to see whether the PBX applied it failed too: %s"
                                   % (exc.msg, reread.msg))
                redo = self._step(self._desired(step), fresh)
                if redo.action == "none":
                    self.doubtful["landed"] += 1
                    return
                action, current, changes = redo.action, redo.current, redo.changes

    def _desired(self, step):
        item = dict(step.item) if step.item is not None else {self.resource.key: step.key}
        if step.action == "delete":
            item["state"] = "absent"
        return item

    # -- failure ------------------------------------------------------------------------
    def _failure(self, exc, failed, order):
        """Read the PBX again and say, per planned change, how far it got."""
        if failed is None:
            # The bulk preparation failed: any create may or may not have been made; nothing else was tried.
            uncertain = [s for s in order if s.action == "create"]
        else:
            # A bulk preparation may have made the creates after the failed step as well.
            uncertain = [s for s in order if s.outcome is None and (s is failed or s.action == "create")]
        try:
            fresh = self.handler.list(self.tenant) if uncertain else []
            readable = True
        except PbxError as reread:
            readable = False
            self._warnings.append("after the failure the %ss could not be read again (%s): changes not confirmed "
                                  "are reported as %s" % (self.resource.title, reread.msg, UNKNOWN))
        fresh = dict((obj[self.resource.key], obj) for obj in fresh) if readable else {}
        for step in order:
            if step.outcome is not None:
                continue  # applied before the failure
            judged = self._outcome(step, fresh.get(step.key)) if readable and step in uncertain else None
            if step is failed or failed is None and step.action == "create":
                step.outcome = judged or UNKNOWN  # sent: as the PBX now holds it
            elif judged in (APPLIED, PARTIAL):
                step.outcome = judged  # never sent alone, but a bulk preparation made it
            else:
                step.outcome = NOT_ATTEMPTED
        title = self.resource.title
        if failed is None:
            where = "while preparing to create %d %ss" % (len(uncertain), title)
        else:
            where = "%s %s: could not %s it" % (title, failed.key, VERB[failed.action])
        msg = "%s: %s" % (where, exc.msg)
        groups = self._outcomes(order)
        if len(order) > 1 or groups[PARTIAL] or groups[UNKNOWN]:
            parts = []
            for outcome, label in ((APPLIED, "applied"), (PARTIAL, "partly applied"), (UNKNOWN, "unknown"),
                                   (NOT_APPLIED, "not applied"), (NOT_ATTEMPTED, "not attempted")):
                if groups[outcome] or outcome == APPLIED:
                    parts.append("%s: %s" % (label, _keys(groups[outcome])))
            how = "read back from the PBX" if readable else "the PBX could not be read again"
            msg += " (%s %d planned changes, after the failure, %s: %s)" % (
                "stopped at %s %s of" % (title, failed.key) if failed is not None else "of", len(order), how,
                "; ".join(parts))
            if groups[NOT_APPLIED] or groups[NOT_ATTEMPTED] or groups[PARTIAL] or groups[UNKNOWN]:
                msg += ". Once the cause is gone, run the task again: it sends only the changes still missing"
        return ApplyFailed(msg, **groups)

    def _outcome(self, step, obj):
        """How far one change got, judged from the object as the PBX now holds it."""
        if step.action == "delete":
            return APPLIED if obj is None else NOT_APPLIED
        if obj is None:
            # A replacement that deleted the old object but could not create the new one.
            return PARTIAL if step.action == "replace" else NOT_APPLIED
        redo = self._step(self._desired(step), obj)
        if redo.action == "none":
            return APPLIED
        if step.action == "create":
            return PARTIAL  # it exists, but not yet as asked
        if step.action == "replace":
            return NOT_APPLIED  # the old object is still there
        return NOT_APPLIED if redo.changes == step.changes else PARTIAL

    @staticmethod
    def _outcomes(order):
        groups = dict((o, []) for o in (APPLIED, PARTIAL, NOT_APPLIED, UNKNOWN, NOT_ATTEMPTED))
        for step in order:
            groups[step.outcome].append(step.key)
        return groups

    # -- the whole run -------------------------------------------------------------------
    def run(self, items):
        steps = self.plan(items)
        failure = None
        try:
            self.apply(steps)
        except ApplyFailed as exc:
            failure = exc
        pushed = []
        if failure is None:
            pushed, failure = self._push(steps)
        report = self.report(steps, failure)
        report["pushed"] = pushed
        return report

    def push_targets(self, steps):
        """The objects whose configuration is sent to the device (push_config)."""
        if self.push == "never":
            return []
        if self.push == "always":
            return [s for s in steps if s.action != "delete" and s.item is not None
                    and s.item.get("state", "present") == "present"]
        return [s for s in steps if s.action in ("create", "update", "replace")]

    def _push(self, steps):
        """(keys pushed, or that would be in check mode; a failure) once every write is done."""
        targets = self.push_targets(steps)
        if not targets or self.check_mode:
            return [s.key for s in targets], None
        for step in steps:
            if step.action != "none":
                step.outcome = APPLIED
        try:
            self.handler.push(self.tenant, targets)
        except PbxError as exc:
            groups = self._outcomes([s for s in steps if s.action != "none"])
            return [], ApplyFailed("every change was applied, but sending the configuration to the %ss failed: %s"
                                   % (self.resource.title, exc.msg), **groups)
        return [s.key for s in targets], None

    def report(self, steps, failure=None):
        """Summary, changed objects (unchanged ones are only counted) and diffs.

        After a failure the summary counts what the PBX now holds: a planned
        create counts as created only if the object exists.
        """
        summary = dict((v, 0) for k, v in PAST.items() if k != "replace" or self.resource.replaceable)
        objects, diffs = [], []
        for step in steps:
            if step.action == "none":
                summary["unchanged"] += 1
                continue
            if failure is None or step.outcome in (APPLIED, PARTIAL):
                summary[PAST[step.action]] += 1
            before, after = self.views(step)
            entry = {self.resource.key: step.key, "action": PAST[step.action], "before": before, "after": after}
            if failure is not None:
                entry["outcome"] = step.outcome
            objects.append(entry)
            if self.want_diff:
                diffs.append(self.diff(step))
        if failure is not None:
            summary["not_applied"] = len(failure.details[NOT_APPLIED])
            for outcome in (NOT_ATTEMPTED, UNKNOWN):
                if failure.details[outcome]:
                    summary[outcome] = len(failure.details[outcome])
            changed = any(step.outcome in (APPLIED, PARTIAL, UNKNOWN) for step in steps)
        else:
            changed = any(s.action != "none" for s in steps)
        # A push is a change too: the device takes the configuration again.
        changed = changed or bool(self.push_targets(steps) and self.push == "always")
        return {
            "changed": changed,
            "summary": summary,
            "objects": objects,
            "diff": diffs,
            "steps": steps,
            "failure": failure,
        }
