"""Mutant: the update climbs the gradient (p += learning_rate * grad)."""

LOSES = ["Q3", "Q4"]
MAY_ALSO_LOSE = []
SAYS = ["train_epoch calls your train_one_sample, which fails Q3: fix Q3 first."]


def train_one_sample(x, y, weights, biases, learning_rate=0.003):
    loss, weight_grads, bias_grads = backprop_sample(x, y, weights, biases)
    for param, grad in zip(weights + biases, weight_grads + bias_grads):
        param += learning_rate * grad
    return loss
