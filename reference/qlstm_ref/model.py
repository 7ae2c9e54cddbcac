"""The tutorial's code, kept as close to the text of "(beta) Dynamic Quantization on an LSTM Word Language
Model" as possible.  Deviations (all mechanical): the tutorial's globals `bptt`, `eval_batch_size` and
`ntokens` are parameters here, `evaluate` can log (rows, loss) per chunk and can take a different model per
chunk (onednn defect avoidance, see golden_int8.py); nothing else changes.
"""
import os

import torch
import torch.nn as nn


class LSTMModel(nn.Module):
    """Container module with an encoder, a recurrent module, and a decoder."""

    def __init__(self, ntoken, ninp, nhid, nlayers, dropout=0.5):
        super(LSTMModel, self).__init__()
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = nn.LSTM(ninp, nhid, nlayers, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)

        self.init_weights()

        self.nhid = nhid
        self.nlayers = nlayers

    def init_weights(self):
        initrange = 0.1
        self.encoder.weight.data.uniform_(-initrange, initrange)
        self.decoder.bias.data.zero_()
        self.decoder.weight.data.uniform_(-initrange, initrange)

    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        decoded = self.decoder(output)
        return decoded, hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters())
        return (weight.new_zeros(self.nlayers, bsz, self.nhid),
                weight.new_zeros(self.nlayers, bsz, self.nhid))


class Dictionary(object):
    def __init__(self):
        self.word2idx = {}
        self.idx2word = []

    def add_word(self, word):
        if word not in self.word2idx:
            self.idx2word.append(word)
            self.word2idx[word] = len(self.idx2word) - 1
        return self.word2idx[word]

    def __len__(self):
        return len(self.idx2word)


class Corpus(object):
    def __init__(self, path):
        self.dictionary = Dictionary()
        self.train = self.tokenize(os.path.join(path, 'train.txt'))
        self.valid = self.tokenize(os.path.join(path, 'valid.txt'))
        self.test = self.tokenize(os.path.join(path, 'test.txt'))

    def tokenize(self, path):
        """Tokenizes a text file."""
        assert os.path.exists(path)
        # Add words to the dictionary
        with open(path, 'r', encoding="utf8") as f:
            for line in f:
                words = line.split() + ['<eos>']
                for word in words:
                    self.dictionary.add_word(word)

        # Tokenize file content
        with open(path, 'r', encoding="utf8") as f:
            idss = []
            for line in f:
                words = line.split() + ['<eos>']
                ids = []
                for word in words:
                    ids.append(self.dictionary.word2idx[word])
                idss.append(torch.tensor(ids).type(torch.int64))
            ids = torch.cat(idss)

        return ids


def batchify(data, bsz):
    # Work out how cleanly we can divide the dataset into bsz parts.
    nbatch = data.size(0) // bsz
    # Trim off any extra elements that wouldn't cleanly fit (remainders).
    data = data.narrow(0, 0, nbatch * bsz)
    # Evenly divide the data across the bsz batches.
    return data.view(bsz, -1).t().contiguous()


def get_batch(source, i, bptt):
    seq_len = min(bptt, len(source) - 1 - i)
    data = source[i:i+seq_len]
    target = source[i+1:i+1+seq_len].reshape(-1)
    return data, target


def repackage_hidden(h):
    """Wraps hidden states in new Tensors, to detach them from their history."""
    if isinstance(h, torch.Tensor):
        return h.detach()
    else:
        return tuple(repackage_hidden(v) for v in h)


criterion = nn.CrossEntropyLoss()


def evaluate(model_, data_source, bptt, eval_batch_size, ntokens, chunk_log=None, model_for_chunk=None):
    """The tutorial's evaluate.  chunk_log (a list) receives (len(data), loss.item()) per chunk;
    model_for_chunk(data) may return the model to use for that chunk (default: model_)."""
    # Turn on evaluation mode which disables dropout.
    model_.eval()
    total_loss = 0.
    hidden = model_.init_hidden(eval_batch_size)
    with torch.no_grad():
        for i in range(0, data_source.size(0) - 1, bptt):
            data, targets = get_batch(data_source, i, bptt)
            m = model_ if model_for_chunk is None else model_for_chunk(data)
            output, hidden = m(data, hidden)
            hidden = repackage_hidden(hidden)
            output_flat = output.view(-1, ntokens)
            loss = criterion(output_flat, targets).item()
            total_loss += len(data) * loss
            if chunk_log is not None:
                chunk_log.append((len(data), loss))
    return total_loss / (len(data_source) - 1)


def load_model(path):
    """Build an LSTMModel matching a saved state_dict (dimensions read from the tensors) and load it."""
    sd = torch.load(path, map_location=torch.device('cpu'))
    ntoken, ninp = sd['encoder.weight'].shape
    nhid = sd['rnn.weight_hh_l0'].shape[1]
    nlayers = len([k for k in sd if k.startswith('rnn.weight_ih_l')])
    model = LSTMModel(ntoken=ntoken, ninp=ninp, nhid=nhid, nlayers=nlayers)
    model.load_state_dict(sd)
    model.eval()
    return model


def quantize(model):
    """The tutorial's conversion, for the currently selected torch.backends.quantized.engine."""
    return torch.quantization.quantize_dynamic(model, {nn.LSTM, nn.Linear}, dtype=torch.qint8)
