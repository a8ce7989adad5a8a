"""Unit tests for worksmith.domain.skills: demand and supply per skill and week."""

from __future__ import annotations

import pytest
from workload_plans import W07, d, fix_people, fix_tasks, task

from worksmith.domain.skills import skills_demand_supply
from worksmith.domain.workload import compute_load


class TestSkillsDemandSupply:
    def test_demand_and_supply_per_skill(self):
        # python: 'Build API' 40 h in W07 (+ an unassigned 8 h python task) = 48 h; supply Alice + Bob = 80 h.
        # sql: no demand, Carol's 40 h.
        tasks = fix_tasks([task(9, d(9), d(9), 8, assignee=None, skill="python")])
        people = fix_people()
        wl = compute_load(tasks, people, None, set(), None, None, W07, 2, W07)
        out = skills_demand_supply(wl, tasks, people).set_index(["skill", "week_label"])
        out = out[["demand_hours", "supply_hours"]]
        assert out.loc[("python", "2026-W07")].tolist() == pytest.approx([48, 80])
        assert out.loc[("python", "2026-W08")].tolist() == pytest.approx([0, 80])
        assert out.loc[("sql", "2026-W07")].tolist() == pytest.approx([0, 40])
