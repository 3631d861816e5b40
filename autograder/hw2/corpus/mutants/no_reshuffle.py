"""Mutant: one permutation before the first epoch, reused by every epoch."""
import numpy as np

LOSES = ["e"]
MAY_ALSO_LOSE = ["f"]


def train(X_train, y_train, X_test, y_test, rng, layer_dims=(784, 200, 1), batch_size=100,
          step_size=0.1, epochs=5):
    weights = create_weight_matrices(layer_dims, rng)
    biases = create_bias_vectors(layer_dims)
    activations = [relu_activation] * (len(layer_dims) - 2) + [sigmoid_activation]
    history = {"train_loss": [], "train_acc": [], "test_loss": [], "test_acc": []}
    order = rng.permutation(len(X_train))
    for _ in range(epochs):
        for start in range(0, len(X_train), batch_size):
            batch = order[start:start + batch_size]
            output, caches = forward_pass(X_train[batch], weights, biases, activations)
            loss, dL_dg = logistic_loss(output, y_train[batch])
            grad_Ws, grad_bs = backward_pass(dL_dg, caches)
            for param, grad in zip(weights + biases, grad_Ws + grad_bs):
                param -= step_size * grad
            history["train_loss"].append(float(loss.mean()))
            history["train_acc"].append(float(np.mean((output > 0.5) == y_train[batch])))
            test_output, _ = forward_pass(X_test, weights, biases, activations)
            history["test_loss"].append(float(logistic_loss(test_output, y_test)[0].mean()))
            history["test_acc"].append(float(np.mean((test_output > 0.5) == y_test)))
    return weights, biases, history
