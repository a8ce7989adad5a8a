"""Worksmith: plan and run a team's work — goals, projects, operations, people and money."""
