"""Correct: the backward pass written with np.einsum, and central differences taken over a flat
view of each array."""
import numpy as np


def backward_pass(dL_dg, caches):
    n = dL_dg.shape[0]
    upstream = dL_dg / n
    grad_Ws, grad_bs = [], []
    for x, W, activation_grad in caches[::-1]:
        delta = np.einsum("nj,nj->nj", upstream, activation_grad)
        grad_Ws.insert(0, np.einsum("ni,nj->ij", x, delta))
        grad_bs.insert(0, np.einsum("nj->j", delta)[None, :])
        upstream = np.einsum("nj,ij->ni", delta, W)
    return grad_Ws, grad_bs


def finite_difference_gradients(loss_fn, params, eps=1e-5):
    grads = []
    for param in params:
        flat = param.reshape(-1)  # a view: changing it changes param
        grad = np.zeros(flat.size)
        for k in range(flat.size):
            saved = flat[k]
            flat[k] = saved + eps
            up = loss_fn()
            flat[k] = saved - eps
            down = loss_fn()
            flat[k] = saved
            grad[k] = (up - down) / (2 * eps)
        grads.append(grad.reshape(param.shape))
    return grads
