"""A study group on one lab: members who sign their requests, a hub that starts everyone's JupyterLab,
and rounds that every member fires at once.

- ``credentials``: each member's access key and secret, derived from a secret only the hub and the
  lab's server know; the access key is the member's identity.
- ``signatures``: the server's check of every request's SigV4 signature, with botocore's own signer.
- ``policy``: who may write what in the rounds table (only a facilitator opens and fires a round).
- ``rounds``: a round through the lab itself: open, join, fire, report, results.
- ``widgets``: the facilitator's and the member's widgets over ``rounds``.
- ``hub``: JupyterHub's configuration for a group, and its launcher.
"""
