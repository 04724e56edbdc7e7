"""The platform's database: the migrations build exactly the tables the code declares,
and a scenario goes in and comes back out as the same day."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import SCENARIOS

from optimizer.scenario.loading import load_scenario
from optimizer.service.days import export_day, load_day
from optimizer.service.db.engine import engine_for, reading, writing
from optimizer.service.db.tables import Base


def test_the_migrations_build_the_declared_tables(database):
    engine = engine_for(database)  # upgraded to head on first use
    with engine.connect() as connection:
        drift = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert drift == []


def test_a_scenario_goes_in_and_comes_back_as_the_same_day(database):
    scenario, _ = load_scenario(SCENARIOS / "paris-pilot.yaml")
    with writing(database) as session:
        load_day(session, scenario)
    with reading(database) as session:
        again = export_day(session, scenario.date)
    assert again.model_dump(exclude={"requests"}) == scenario.model_dump(exclude={"requests"})
    # Request by request: the same fields (a scenario lock stays a full lock).
    assert [r.model_dump(exclude={"submitted"}) for r in again.requests] == \
        [r.model_dump(exclude={"submitted"}) for r in scenario.requests]
    assert [r.submitted.replace(tzinfo=None) if r.submitted else None for r in again.requests] == \
        [r.submitted.replace(tzinfo=None) if r.submitted else None for r in scenario.requests]


def test_loading_the_same_day_again_updates_it_in_place(database):
    scenario, _ = load_scenario(SCENARIOS / "paris-pilot.yaml")
    fewer, _ = load_scenario(SCENARIOS / "paris-pilot-one-officer-less.yaml")
    with writing(database) as session:
        _, created = load_day(session, scenario)
        assert created
    with writing(database) as session:
        _, created = load_day(session, fewer)
        assert not created
    with reading(database) as session:
        assert [o.id for o in export_day(session, scenario.date).officers] == [o.id for o in fewer.officers]
