"""ConsumedCapacity as DynamoDB reports it: only when asked, in the shape the operation returns."""

from __future__ import annotations


def single(params: dict, table: str, units: float, unit_name: str) -> dict:
    """The answer's ConsumedCapacity for a one-table operation (PutItem, GetItem...)."""
    units = float(units)  # DynamoDB writes 1.0, not 1
    mode = params.get("ReturnConsumedCapacity", "NONE")
    if mode == "TOTAL":
        return {"ConsumedCapacity": {"TableName": table, "CapacityUnits": units, unit_name: units}}
    if mode == "INDEXES":
        return {"ConsumedCapacity": {"TableName": table, "CapacityUnits": units, unit_name: units,
                                     "Table": {"CapacityUnits": units, unit_name: units}}}
    return {}


def per_table(params: dict, units: dict, unit_name: str) -> dict:
    """The answer's ConsumedCapacity list for a multi-table operation (transactions)."""
    if params.get("ReturnConsumedCapacity", "NONE") == "NONE":
        return {}
    return {"ConsumedCapacity": [{"TableName": t, "CapacityUnits": float(u), unit_name: float(u)}
                                 for t, u in units.items()]}
