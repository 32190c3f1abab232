"""Prints bench/peers.sh's results as a Markdown table.

Input: the harness's TSV (row id, label, threads, side, target, JSON or
"ERROR msg"), several lines per row (one per round and side). For each row
it takes the median over rounds of each side's median wall time and CPU time
per call, and prints the ratios peer/edgerun (above 1: edgerun faster).
Targets ("min:X") are judged on the CPU-time ratio where both sides report
CPU time (the fair figure on a loaded machine), else on wall time.
Exits 1 if any row failed (an error on either side).
"""
import json
import statistics
import sys
from collections import OrderedDict


def med(v):
    v = [x for x in v if x is not None]
    return statistics.median(v) if v else None


def fmt(v, nd=2):
    return "—" if v is None else f"{v:.{nd}f}"


def main(path):
    rows = OrderedDict()
    for line in open(path, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t", 5)
        if len(parts) != 6:
            continue
        rid, label, thr, side, target, payload = parts
        r = rows.setdefault(rid, {"label": label, "threads": thr, "target": target, "sides": {}})
        if payload.startswith("ERROR"):
            r.setdefault("errors", []).append(f"{side}: {payload[6:].strip()}")
            continue
        r["sides"].setdefault(side, []).append(json.loads(payload))
    failed = 0
    print("| row | threads | edgerun ms (CPU ms) | peer ms (CPU ms) | speed ratio wall | speed ratio CPU | target | |")
    print("|---|---|---|---|---|---|---|---|")
    loads = []
    for rid, r in rows.items():
        tgt = r["target"]
        tgt_s = "—" if tgt == "-" else "≥ " + tgt.split(":")[1] + "x"
        if rid.startswith("model"):
            loads.append((r, r["sides"].get("edgerun", []), r["sides"].get("peer", [])))
        if r.get("errors"):
            failed += 1
            msg = "; ".join(sorted(set(r["errors"])))
            cols = {}
            for side, vals in r["sides"].items():  # the side that ran still shows
                if side in ("edgerun", "peer"):
                    cols[side] = f"{fmt(med([x['median_ms'] for x in vals]), 3)} " \
                        f"({fmt(med([x.get('cpu_ms_per_call') for x in vals]), 3)})"
            print(f"| {r['label']} | {r['threads']} | {cols.get('edgerun', '')} | {cols.get('peer', '')} | | | {tgt_s} | **FAILED**: {msg} |")
            continue
        s = r["sides"]
        if "ratio" in s:  # rows whose script computes the ratio itself
            v = s["ratio"]
            if "cpu_ratio" in v[0]:
                wall, cpu = med([x["wall_ratio"] for x in v]), med([x["cpu_ratio"] for x in v])
                ours, peer = v[len(v) // 2]["ours"] + " MP/s, MP/cpu-s", v[len(v) // 2]["peer"] + " MP/s, MP/cpu-s"
            else:
                wall, cpu, ours, peer = None, med([x["ratio"] for x in v]), v[0]["text"], ""
            judge = cpu if cpu is not None else wall
        else:
            if "edgerun" not in s or "peer" not in s:
                failed += 1
                print(f"| {r['label']} | {r['threads']} | | | | | {tgt_s} | **FAILED**: a side has no result |")
                continue
            e, p = s["edgerun"], s["peer"]
            ew, pw = med([x["median_ms"] for x in e]), med([x["median_ms"] for x in p])
            ec, pc = med([x.get("cpu_ms_per_call") for x in e]), med([x.get("cpu_ms_per_call") for x in p])
            wall = pw / ew
            cpu = pc / ec if ec and pc else None
            judge = cpu if cpu is not None else wall
            ours, peer = f"{fmt(ew, 3)} ({fmt(ec, 3)})", f"{fmt(pw, 3)} ({fmt(pc, 3)})"
            work = e[0].get("work_per_call") or p[0].get("work_per_call")
            if work and ec and rid.startswith(("sgemm", "i8")):
                ours += f", {work / ec / 1e6:.0f} G/cpu-s"
                if pc:
                    peer += f", {work / pc / 1e6:.0f} G/cpu-s"
            if work and ec and rid.startswith("enc"):
                ours += f", {work / ec / 1e3:.0f} MP/cpu-s"
                if pc:
                    peer += f", {work / pc / 1e3:.0f} MP/cpu-s"
        verdict = ""
        if tgt != "-" and judge is not None:
            verdict = "met" if judge >= float(tgt.split(":")[1]) else "**MISSED**"
        print(f"| {r['label']} | {r['threads']} | {ours} | {peer} | {fmt(wall)}{'x' if wall is not None else ''} | {fmt(cpu)}{'x' if cpu is not None else ''} | {tgt_s} | {verdict} |")
    if loads:  # a failed side was already counted in the main table
        print()
        print("| model (batch, threads) | edgerun load ms | ORT load ms | edgerun peak RSS MiB | ORT peak RSS MiB |")
        print("|---|---|---|---|---|")
        for r, e, p in loads:
            def col(vals, key, scale=1.0):
                if not vals:
                    return "**FAILED**"
                return fmt(med([x[key] / scale for x in vals]), 1)
            print(f"| {r['label']} ({r['threads']}) | {col(e, 'load_ms')} | {col(p, 'load_ms')} | "
                  f"{col(e, 'peak_rss_bytes', 2**20)} | {col(p, 'peak_rss_bytes', 2**20)} |")
    print()
    print(f"{len(rows)} rows, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
