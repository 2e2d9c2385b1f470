"""Baselines for newsspans: three extractors that write the exchange format for any split.

- `gazetteer`: a dictionary tagger built from the training split's gold (gazetteer.py);
- `rules`: regular expressions and heuristics written from the guidelines (rules.py, boilerplate.py);
- `learned`: a CRF-like linear BIO tagger trained on train and tuned on dev (learned.py, linear.py).

`registry.make(name)` builds one; `base.run_baseline` fits and predicts; `run.py` is the command line.
"""
