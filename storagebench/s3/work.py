"""What one S3 case's counted work adds to ``extra_info``: request counts and bytes, the cloud
model and request cost, and (under ``--s3-latency``) the model checked against the measurement.

Inputs are the counted run's records (:meth:`storagebench.s3.client_target.S3ClientTarget.counted_runs`),
the timed rounds' median and the timed requests; nothing here issues a request.
"""

from __future__ import annotations

import statistics
from typing import Any

from storagebench.s3 import cloud_model
from storagebench.s3.client_target import CountedRuns, S3ClientTarget
from storagebench.s3.counting import RequestRecord
from storagebench.s3.work_summary import summarise


def work_info(target: S3ClientTarget, counted: CountedRuns | None, measured: float | None,
              cloud_profiles: list[str] | None, rounds: int,
              timed: list[RequestRecord] | None = None) -> dict[str, Any]:
    """The counted-work keys of one case (``measured``: the timed rounds' median seconds)."""
    info: dict[str, Any] = {"s3_measured_median_s": measured}
    if counted is None:
        info["s3_counted"] = False
        info["s3_not_counted_reason"] = target.not_counted_reason()
        return info
    records = counted.records
    info.update(summarise(records).as_info())
    # The operation's loopback time: the timed median, unless the timed rounds ran under
    # injected latency (then the paused counted runs').
    injector = target.endpoint.injector
    loopback = counted.wall_s if injector is not None else (measured or counted.wall_s)
    info["s3_loopback_s"] = loopback
    info.update(cloud_model.model_info(records, cloud_profiles, loopback_seconds=loopback))
    info.update(cloud_model.request_cost(records, target.endpoint.region))
    info.update(_model_check(target, counted, measured, loopback, timed or [], rounds))
    return info


def _model_check(target: S3ClientTarget, counted: CountedRuns, measured: float | None,
                 loopback: float | None, timed: list[RequestRecord], rounds: int) -> dict[str, Any]:
    """Under injected latency: the model's seconds for the injected profile beside the measured
    median, and their ratio (the model's validation; 1.0 is a perfect prediction)."""
    injector = target.endpoint.injector
    if injector is None or injector.profile is None:
        return {}
    records = counted.records
    predicted = cloud_model.model_info(records, [injector.profile], loopback)["s3_cloud_model"][
        injector.profile.name]
    seconds, on_mock = predicted["seconds"], predicted["on_mock_seconds"]
    return {"s3_model_s": seconds, "s3_model_profile": injector.profile.name,
            # max / min wall time of the paused loopback runs the model starts from
            "s3_loopback_spread": counted.spread,
            "s3_measured_over_model": (measured / seconds) if measured and seconds else None,
            # The same model with the mock's own per-request time as a floor: what the
            # injected run can at best show on this mock (moto's range GETs are O(object)).
            "s3_model_on_mock_s": on_mock,
            "s3_measured_over_model_on_mock": (measured / on_mock) if measured and on_mock else None,
            "s3_mock_bound_requests": predicted["mock_bound_requests"],
            **_observed_first_byte_check(target, records, measured, loopback, timed, rounds)}


def _observed_first_byte_check(target: S3ClientTarget, records: list[RequestRecord], measured: float | None,
                               loopback: float | None, timed: list[RequestRecord], rounds: int) -> dict[str, Any]:
    """An explanation, not a prediction: the same model with the first byte the injected
    requests actually had (their median, from the timed rounds).  On a machine whose cores
    the client, moto and other work share, the server answers later than injected; if this
    brings the model within 25%, that is where the difference came from."""
    injector = target.endpoint.injector
    answered = [r for r in timed if r.status < 400]
    if injector is None or injector.profile is None or not answered:
        return {}
    observed = statistics.median(r.first_byte_s if r.first_byte_s is not None else r.last_byte_s
                                 for r in answered)
    p = injector.profile
    as_seen = cloud_model.CloudProfile(f"{p.name}-observed", f"{p.label}; first byte as observed",
                                       observed, p.bytes_per_s_per_connection)
    seconds = cloud_model.model_info(records, [as_seen], loopback)["s3_cloud_model"][as_seen.name]["seconds"]
    # The timed requests are the fidelity read's and the rounds' (run one after another), so
    # their waves per read say how much the client overlapped under the injected latency.
    reads = rounds + 1
    return {"s3_observed_first_byte_s": observed, "s3_model_observed_first_byte_s": seconds,
            "s3_measured_over_model_observed_first_byte": (measured / seconds) if measured and seconds else None,
            "s3_loopback_waves": len(cloud_model.waves(records)),
            "s3_injected_waves_per_read": len(cloud_model.waves(answered)) / reads}
