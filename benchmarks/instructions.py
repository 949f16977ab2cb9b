"""Instructions per conditional PutItem, labkit against raw moto, counted by valgrind's callgrind.

Wall-clock ratios swing by 30% on a shared machine; instruction counts repeat within 1%. Each side runs
twice in its own process (a short and a long run, PYTHONHASHSEED=0), and the difference divided by the
extra requests is the cost of one request, free of start-up.

    python benchmarks/instructions.py            # needs valgrind (Debian: apt-get install valgrind)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile

SHORT, LONG = 50, 250

WORKLOAD = """
import sys
side, n = sys.argv[1], int(sys.argv[2])
if side == "raw-moto":
    import boto3
    from moto import mock_aws
    mock_aws().start()
    client = boto3.session.Session().client("dynamodb", region_name="us-east-1",
                                            aws_access_key_id="x", aws_secret_access_key="x")
    client.create_table(TableName="b", BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
else:
    import labkit
    client = labkit.connect().client
    labkit.create_table(client, "b", "pk")
for i in range(n):
    try:  # half the puts pass their condition, half fail it
        client.put_item(TableName="b", Item={"pk": {"S": f"k{i % 100}"}, "v": {"N": str(i)}},
                        ConditionExpression="attribute_not_exists(pk) OR v < :v",
                        ExpressionAttributeValues={":v": {"N": str(i if i % 2 else 0)}})
    except client.exceptions.ConditionalCheckFailedException:
        pass
"""


def instructions(side: str, n: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        script, out = os.path.join(tmp, "workload.py"), os.path.join(tmp, "callgrind.out")
        with open(script, "w") as f:
            f.write(WORKLOAD)
        done = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
                               script, side, str(n)], capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": "0"}, check=True)
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))


def per_request(side: str) -> float:
    return (instructions(side, LONG) - instructions(side, SHORT)) / (LONG - SHORT)


def main() -> None:
    if not shutil.which("valgrind"):
        sys.exit("valgrind is not installed")
    lab, raw = per_request("labkit"), per_request("raw-moto")
    print(f"conditional PutItem, instructions per request (callgrind, {LONG}-{SHORT} requests):")
    print(f"  labkit (front over moto's model): {lab / 1e6:8.2f} M")
    print(f"  raw moto (mock_aws):              {raw / 1e6:8.2f} M")
    print(f"  ratio labkit / raw moto:          {lab / raw:8.2f}")


if __name__ == "__main__":
    main()
