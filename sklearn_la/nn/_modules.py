"""Default torch module of :class:`~sklearn_la.nn.LogitAdjustedNet`."""

from torch import nn

from ._checks import _check_int, _check_real


class TabularMLP(nn.Module):
    """Multi-layer perceptron for tabular data, returning logits.

    ``n_layers`` hidden blocks ``Linear -> ReLU -> Dropout`` followed by a
    linear output layer. :class:`~sklearn_la.nn.LogitAdjustedNet` sets
    ``input_units`` and ``output_units`` from the training data, so a user
    only chooses the hidden layers (``module__hidden_units`` and so on).
    Inputs with more than two dimensions (images, sequences) are flattened
    per sample, so ``input_units`` is then the product of the sample shape.

    Parameters
    ----------
    input_units : int
        Number of input features (after flattening each sample).

    output_units : int
        Number of classes (logits).

    hidden_units : int, default=64
        Width of each hidden layer.

    n_layers : int, default=1
        Number of hidden layers; ``0`` gives a linear model (multinomial
        logistic regression when trained with cross-entropy).

    dropout : float, default=0.0
        Dropout probability after each hidden layer, in ``[0, 1)``.

    Examples
    --------
    >>> import torch
    >>> from sklearn_la.nn import TabularMLP
    >>> mlp = TabularMLP(input_units=4, output_units=3, hidden_units=8, n_layers=2)
    >>> mlp(torch.zeros(5, 4)).shape
    torch.Size([5, 3])
    >>> mlp(torch.zeros(5, 2, 2)).shape  # each sample flattened to 4 inputs
    torch.Size([5, 3])
    """

    def __init__(
        self, input_units, output_units, hidden_units=64, n_layers=1, dropout=0.0
    ):
        super().__init__()
        input_units = _check_int(input_units, "input_units", 1)
        output_units = _check_int(output_units, "output_units", 1)
        hidden_units = _check_int(hidden_units, "hidden_units", 1)
        n_layers = _check_int(n_layers, "n_layers", 0)
        dropout = _check_real(dropout, "dropout", low=0.0, high=1.0)
        layers = []
        width = input_units
        for _ in range(n_layers):
            layers += [nn.Linear(width, hidden_units), nn.ReLU()]
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
            width = hidden_units
        layers.append(nn.Linear(width, output_units))
        self.layers = nn.Sequential(*layers)

    def forward(self, X):
        """Logits of a batch.

        Parameters
        ----------
        X : Tensor of shape (batch_size, input_units) or (batch_size, ...)
            Inputs; each sample is flattened.

        Returns
        -------
        logits : Tensor of shape (batch_size, output_units)
        """
        if X.dim() > 2:
            X = X.flatten(1)
        return self.layers(X)
