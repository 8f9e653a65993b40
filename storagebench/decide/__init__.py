"""``storagebench decide``: a decision on the user's own data at their size, within a time budget.

The full matrix (``storagebench run``) measures every engine x compression x reader at full size;
on a 336,776-row file that took 884 s.  ``decide`` answers the question a user comes with —
"which configuration for my workload?" — in minutes, and says how sure it is:

1. **screen** (:mod:`.screen`): every valid configuration from the codec registry
   (format x compression x writer x reader engine, :mod:`.configs`) on a sample of the data with
   few rounds; configurations that lose values (the fidelity verdict) or lose beyond noise on
   every workload are dropped;
2. **confirm** (:mod:`.confirm`): the finalists of each workload at the full size of the data,
   rounds added adaptively until the bootstrap 95% interval of the winner-vs-runner-up ratio
   excludes 1, or the budget (:mod:`.budget`) ends: then the decision is a tie naming both;
3. **decision** (:mod:`.model`): one line per workload, written to ``decision.json`` and to a
   report whose first screen is the decision (:mod:`.report`).

Workloads live one per module-level entry in :mod:`.workloads`; targets (local disk, S3 on the
embedded moto server) in :mod:`.targets`; the orchestration in :mod:`.runner`.
"""
