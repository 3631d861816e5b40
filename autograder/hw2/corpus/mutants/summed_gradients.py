"""Mutant: the gradients are of the summed loss, not the batch mean (no division by n)."""

LOSES = ["d", "e"]
MAY_ALSO_LOSE = ["f"]


def backward_pass(dL_dg, caches):
    upstream = dL_dg
    grad_Ws, grad_bs = [], []
    for x, W, activation_grad in reversed(caches):
        delta = upstream * activation_grad
        grad_Ws.append(x.T @ delta)
        grad_bs.append(delta.sum(axis=0, keepdims=True))
        upstream = delta @ W.T
    return grad_Ws[::-1], grad_bs[::-1]
