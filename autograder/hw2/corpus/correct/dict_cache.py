"""Correct: each layer's cache is a dict holding the pre-activation, and the backward pass
recomputes the activation's gradient from it."""
import numpy as np


def layer_forward(x, W, b, activation_fn):
    s = x @ W + b
    out, _ = activation_fn(s)
    return out, {"input": x, "weights": W, "s": s, "activation": activation_fn}


def backward_pass(dL_dg, caches):
    upstream = dL_dg / len(dL_dg)
    grad_Ws, grad_bs = [None] * len(caches), [None] * len(caches)
    for i in reversed(range(len(caches))):
        cache = caches[i]
        delta = upstream * cache["activation"](cache["s"])[1]
        grad_Ws[i] = cache["input"].T @ delta
        grad_bs[i] = np.sum(delta, axis=0, keepdims=True)
        upstream = delta @ cache["weights"].T
    return grad_Ws, grad_bs
