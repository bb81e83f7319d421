"""Portfolio-wide jobs give the same results wherever their accounts are analysed.

``portfolio`` and ``alerts`` run on the same data through the serial executor (this process), local worker
processes and a real Dask cluster (``distributed.LocalCluster``, two worker processes, each opening the store
itself -- an SQLite file, or the Bolt test server with the password from the environment), and every result
must be identical.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator

import pytest

from kamgraph.errors import InputError
from kamgraph.monitor.alerts import run_alerts
from kamgraph.portfolio.table import build_portfolio
from kamgraph.samples.synth import synth_portfolio
from kamgraph.settings import Settings, load_settings
from kamgraph.store.base import GraphStore
from kamgraph.store.executor import (
    DaskExecutor,
    Executor,
    ProcessExecutor,
    SerialExecutor,
    executor_for,
)

AS_OF = dt.date(2025, 6, 30)


def _batch():  # type: ignore[no-untyped-def]
    return synth_portfolio(9, seed=11, as_of=AS_OF, min_stakeholders=8, max_stakeholders=30, min_staff=2,
                           max_staff=6, days=300, meetings_per_stakeholder=2.0)


@pytest.fixture(scope="module")
def cluster(request: pytest.FixtureRequest) -> Iterator[object]:
    """Two Dask worker processes; they open a Neo4j store with the password from KAMGRAPH_NEO4J_PASSWORD,
    set here before they start, as an operator would on a real cluster."""
    distributed = pytest.importorskip("distributed")
    with pytest.MonkeyPatch.context() as patch:
        with contextlib.suppress(pytest.skip.Exception):  # no Bolt server: the Neo4j cases skip themselves
            patch.setenv("KAMGRAPH_NEO4J_PASSWORD", request.getfixturevalue("bolt").password)
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                      silence_logs=40) as local, distributed.Client(local) as client:
            yield client


def _executors(cluster: object) -> dict[str, Executor]:
    return {"serial": SerialExecutor(chunk_size=4), "processes": ProcessExecutor(chunk_size=2, workers=2),
            "dask": DaskExecutor(cluster, chunk_size=3)}


@pytest.fixture
def bolt_password_for_workers(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Local worker processes inherit the environment of this one: the password goes there too."""
    if "neo4j" in request.node.callspec.params.get("store_factory", ""):
        monkeypatch.setenv("KAMGRAPH_NEO4J_PASSWORD", request.getfixturevalue("bolt").password)


def test_portfolio_is_the_same_on_every_executor(store_factory: Callable[[], GraphStore], cluster: object,
                                                 bolt_password_for_workers: None) -> None:
    store = store_factory()
    store.import_batch(_batch())
    settings = Settings()
    results = {name: build_portfolio(store, AS_OF, settings, executor=ex).model_dump()
               for name, ex in _executors(cluster).items()}
    assert len(results["serial"]["rows"]) == 9
    assert results["processes"] == results["serial"]
    assert results["dask"] == results["serial"]


def test_alerts_are_the_same_on_every_executor(store_factory: Callable[[], GraphStore], cluster: object,
                                               bolt_password_for_workers: None) -> None:
    batch = _batch()
    settings = Settings()
    runs: dict[str, list[dict[str, object]]] = {}
    for name, ex in _executors(cluster).items():
        store = store_factory()  # each executor gets its own copy of the data and of the alert state
        store.import_batch(batch)
        first = run_alerts(store, AS_OF - dt.timedelta(days=60), settings, executor=ex)
        second = run_alerts(store, AS_OF, settings, executor=ex)
        runs[name] = [first.model_dump(), second.model_dump(),
                      [a.model_dump() for a in store.load_alerts(include_cleared=True)],
                      {k: v.model_dump() for k, v in store.alert_checks().items()}]
    assert runs["serial"][0]["new"], "the data should raise alerts, or the comparison proves little"
    assert runs["processes"] == runs["serial"]
    assert runs["dask"] == runs["serial"]


def test_executor_is_chosen_by_setting_and_environment() -> None:
    assert isinstance(executor_for(settings=Settings().executor), ProcessExecutor)
    chosen = load_settings(path=None, env={"KAMGRAPH_EXECUTOR__URL": "dask://scheduler.example:8786",
                                           "KAMGRAPH_EXECUTOR__CHUNK_SIZE": "50"}).executor
    dask = executor_for(settings=chosen)
    assert isinstance(dask, DaskExecutor) and dask.address == "tcp://scheduler.example:8786" and dask.chunk_size == 50
    assert isinstance(executor_for("serial"), SerialExecutor)
    with pytest.raises(InputError, match="unknown executor 'spark://x'"):
        executor_for("spark://x")


def test_commands_take_the_executor_from_the_environment(tmp_path, runner) -> None:  # type: ignore[no-untyped-def]
    """``portfolio`` and ``alerts`` pick the executor up from KAMGRAPH_EXECUTOR__URL without an option; the
    output of worker processes (chunks of 2 accounts, no minimum) equals that of this process."""
    from cli import cli
    from kamgraph.store import open_store

    for name in ("serial", "local"):
        with open_store(str(tmp_path / f"{name}.db"), create=True) as store:
            store.import_batch(_batch())
    outputs = {}
    for name in ("serial", "local"):
        env = {"KAMGRAPH_STORE": str(tmp_path / f"{name}.db"), "KAMGRAPH_EXECUTOR__URL": name,
               "KAMGRAPH_EXECUTOR__CHUNK_SIZE": "2", "KAMGRAPH_EXECUTOR__MIN_ACCOUNTS": "0",
               "KAMGRAPH_EXECUTOR__WORKERS": "2"}
        day = ["--as-of", AS_OF.isoformat(), "--json"]
        port = runner.invoke(cli, ["portfolio", *day], env=env)
        alerts = runner.invoke(cli, ["alerts", *day], env=env)
        assert port.exit_code == 0, port.output
        assert alerts.exit_code in (0, 1), alerts.output
        outputs[name] = (port.output, alerts.output)
    assert outputs["local"] == outputs["serial"]
    bad = runner.invoke(cli, ["portfolio", "--as-of", AS_OF.isoformat()],
                        env={"KAMGRAPH_STORE": str(tmp_path / "serial.db"), "KAMGRAPH_EXECUTOR__URL": "nope"})
    assert bad.exit_code == 2 and "unknown executor 'nope'" in bad.output and "Traceback" not in bad.output


@pytest.mark.bolt
def test_a_neo4j_store_without_a_password_in_the_environment_stays_in_this_process(
        bolt, bolt_database, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("KAMGRAPH_NEO4J_PASSWORD", raising=False)
    with bolt.open(bolt_database) as store:  # password given in the call, as after a prompt
        store.import_batch(_batch())
        assert not store.reopenable()
        local = build_portfolio(store, AS_OF, Settings(), executor=ProcessExecutor(chunk_size=2, workers=2))
        assert local == build_portfolio(store, AS_OF, Settings(), executor=SerialExecutor())
        monkeypatch.setenv("KAMGRAPH_NEO4J_PASSWORD", bolt.password)
        assert store.reopenable()
