"""Keras 2's CTC backend functions (K.ctc_batch_cost, K.ctc_decode) on keras.ops, with
their conventions: y_pred holds softmax probabilities (Keras 2 takes log(y_pred + eps)),
the blank is the LAST class (keras.ops defaults to class 0), lengths come as (batch, 1)
columns and the loss as a (batch, 1) column."""

from keras import backend, ops

__all__ = ["keras2_ctc_batch_cost", "keras2_ctc_decode"]


def _lengths(lengths):
    return ops.cast(ops.reshape(ops.convert_to_tensor(lengths), (-1,)), "int32")


def _log_probabilities(y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    return ops.log(y_pred + backend.epsilon()), y_pred.shape[-1]


def keras2_ctc_batch_cost(y_true, y_pred, input_length, label_length):
    """K.ctc_batch_cost: per-sample CTC loss, shape (batch, 1)."""
    log_probs, classes = _log_probabilities(y_pred)
    labels, lengths = _labels_as_tensorflow_reads_them(ops.cast(y_true, "int32"), _lengths(label_length), classes)
    loss = ops.ctc_loss(labels, log_probs, lengths, _lengths(input_length), mask_index=classes - 1)
    return ops.expand_dims(loss, 1)


def _labels_as_tensorflow_reads_them(labels, lengths, classes):
    """TensorFlow's CTC reads a label from the blank index up (keras.io pads labels with
    99) as the end of that sequence (a real label after one is an error there): the
    length stops at the first such label. PyTorch's CTC would read past the classes."""
    width = ops.shape(labels)[1]
    null = ops.logical_or(labels >= classes - 1, labels < 0)
    first_null = ops.min(ops.where(null, ops.arange(width, dtype="int32"), width), axis=1)
    return ops.where(null, 0, labels), ops.minimum(lengths, ops.cast(first_null, lengths.dtype))


def keras2_ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1):
    """K.ctc_decode with greedy=True: ([dense (batch, time) labels padded with -1], log
    probabilities). Keras 2's beam search is tf.compat.v1's, which merges repeated labels
    (keras.ops.ctc_decode's beam search does not): not offered."""
    if not greedy:
        raise ValueError("keras2_ctc_decode(greedy=False): Keras 2's beam search (tf.compat.v1.nn."
                         "ctc_beam_search_decoder, merge_repeated=True) has no keras.ops equivalent; use "
                         "keras.ops.ctc_decode(..., strategy='beam_search', mask_index=<blank>) knowing its paths differ")
    log_probs, classes = _log_probabilities(y_pred)
    decoded, scores = ops.ctc_decode(log_probs, _lengths(input_length), strategy="greedy", mask_index=classes - 1)
    return [decoded[i] for i in range(decoded.shape[0])], scores
