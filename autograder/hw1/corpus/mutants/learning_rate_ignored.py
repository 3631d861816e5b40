"""Mutant: train_one_sample always steps by 0.003, whatever learning_rate it is given."""

LOSES = ["Q3"]
MAY_ALSO_LOSE = ["Q4"]


def train_one_sample(x, y, weights, biases, learning_rate=0.003):
    loss, weight_grads, bias_grads = backprop_sample(x, y, weights, biases)
    for param, grad in zip(weights + biases, weight_grads + bias_grads):
        param -= 0.003 * grad
    return loss
