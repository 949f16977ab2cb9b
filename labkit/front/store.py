"""moto's tables and items, as the front reads and writes them.

The front calls the methods of moto's ``DynamoHandler`` on the request's JSON, and reads items straight
from moto's table model, so that moto's HTTP emulation is never in the way. Table states live here too:
moto makes a table ``ACTIVE`` at once, DynamoDB shows ``CREATING`` first (simulated, on the lab's clock).
"""

from __future__ import annotations

import copy

from moto.dynamodb.models import dynamo_type, dynamodb_backends
from moto.dynamodb.responses import DynamoHandler, validate_put_has_gsi_keys_set_to_none

from . import items
from .errors import KEY_SCHEMA_MISMATCH, invalid_parameter, resource_not_found, validation
from .idempotency import Clock


class Store:
    def __init__(self, account: str, region: str, clock: Clock, creating_seconds: float):
        # moto refuses items over its own estimate of 405,000 bytes; the front applies DynamoDB's rules
        # (400 KB by items.item_size) before moto sees an item, so moto's cap must not overrule them.
        dynamo_type.LimitedSizeDict.__setitem__ = dict.__setitem__
        self.clock, self.creating_seconds = clock, creating_seconds
        self._created: dict[str, float] = {}
        self._moto = DynamoHandler()
        self._moto.current_account, self._moto.region = account, region
        self.backend = dynamodb_backends[account][region]

    def call(self, method: str, params: dict) -> dict:
        """moto's answer to one request (``method`` in snake case), as a dict."""
        self._moto.body = params
        result = getattr(self._moto, method)()
        return dict(getattr(result, "result", None) or {})

    def implements(self, method: str) -> bool:
        return method in vars(DynamoHandler)

    # -- tables and their states -------------------------------------------------------------------

    def table(self, name: str):
        """The table a data-plane request names; ResourceNotFound while it is still CREATING."""
        table = self.backend.tables.get(name)
        if table is None or self.status(name) == "CREATING":
            raise resource_not_found()
        return table

    def status(self, name: str) -> str:
        created = self._created.get(name)
        return "CREATING" if created is not None and self.clock.now() - created < self.creating_seconds else "ACTIVE"

    def created(self, name: str) -> None:
        self._created[name] = self.clock.now()

    def deleted(self, name: str) -> None:
        self._created.pop(name, None)

    # -- items -------------------------------------------------------------------------------------

    def get(self, table, key: dict) -> dict | None:
        """The stored item, as a copy: moto may change its own lists in place during a later write."""
        item = self.backend.get_item(table.name, key)
        return None if item is None else copy.deepcopy(item.to_json()["Attributes"])

    def put(self, table, item: dict) -> None:
        """Store an item the front has checked (values, key, size, condition) in moto's model directly:
        moto's HTTP handler would parse a condition that is no longer there and render the item back."""
        validate_put_has_gsi_keys_set_to_none(item, table)
        self.backend.put_item(table.name, item, overwrite=True)

    def restore(self, table, key: dict, old: dict | None) -> None:
        """Put an item back as it was (absent when ``old`` is None)."""
        if old is None:
            self.call("delete_item", {"TableName": table.name, "Key": key})
        else:
            self.put(table, copy.deepcopy(old))

    # -- keys --------------------------------------------------------------------------------------

    @staticmethod
    def key(table, attributes: dict, *, whole_item: bool) -> dict:
        """The key that ``attributes`` (a request's Key, or a whole item) names, checked against the schema."""
        key_names = [n for n in (table.hash_key_attr, table.range_key_attr) if n]
        types = {table.hash_key_attr: table.hash_key_type, table.range_key_attr: table.range_key_type}
        if not whole_item and set(attributes) != set(key_names):
            raise validation(KEY_SCHEMA_MISMATCH)
        for name in key_names:
            if name not in attributes:
                raise invalid_parameter(f"Missing the key {name} in the item")
            (kind, inner), = attributes[name].items()
            if kind != types[name]:
                if whole_item:
                    raise invalid_parameter(f"Type mismatch for key {name} expected: {types[name]} actual: {kind}")
                raise validation(KEY_SCHEMA_MISMATCH)
            if inner in ("", b""):
                raise validation("One or more parameter values are not valid. The AttributeValue for a key attribute "
                                 f"cannot contain an empty string value. Key: {name}")
        return {name: attributes[name] for name in key_names}

    def checked_key(self, table, key: dict) -> dict:
        """A request's Key, numbers normalised, or DynamoDB's error when it does not fit the table's schema."""
        return self.key(table, items.normalise_map(key), whole_item=False)

    def item_key(self, table, item: dict) -> dict:
        """The key of an item to put (already normalised), after the key and the 400 KB limit are checked."""
        key = self.key(table, item, whole_item=True)
        items.check_item_size(item)
        return key
