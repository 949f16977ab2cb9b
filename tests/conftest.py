"""Shared fixtures: one embedded lab per test session, and a fresh table per test."""

from __future__ import annotations

import itertools

import pytest

import labkit

_names = itertools.count()


@pytest.fixture(scope="session")
def lab():
    return labkit.connect("embedded")


@pytest.fixture
def client(lab):
    return lab.client


@pytest.fixture
def table(client):
    """A new empty table keyed by ``pk`` (a string), unique to the test."""
    name = f"t{next(_names)}"
    labkit.create_table(client, name, "pk")
    yield name
    labkit.drop_table(client, name)


@pytest.fixture
def users(client):
    """The tutorial's ``Users`` table, empty."""
    labkit.reset_table(client, "Users")
    return "Users"
