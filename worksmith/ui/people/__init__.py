"""Renderers of the People page's tabs (people, teams, time off), so ``pages/people.py`` stays short.

Each renderer reads through ``ui.query``, writes through ``ui.run`` and calls ``ui.flash`` after a write so every
figure reads the new data.
"""
