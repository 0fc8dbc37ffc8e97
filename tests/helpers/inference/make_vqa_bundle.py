"""Builds a tiny closed-VQA bundle whose answers are known in closed form, and the
expected answers for given images and questions, computed here with PIL and numpy.

Usage: make_vqa_bundle.py OUT_DIR CASES_JSON
CASES_JSON: [{"width", "height", "pixels": [..uint8..], "question"} or {"file", "question"}]
Prints {"cases": [{"answer", "probabilities": [...]}]}.

The graph: m = mean of the 112x112 image (pixels / 255); logits =
[20 (0.5 - m), 20 (m - 0.5), 6 if the first question token is "liver" else 0].
"""
import hashlib
import json
import os
import re
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper
from PIL import Image

out_dir, cases_path = sys.argv[1], sys.argv[2]
os.makedirs(out_dir, exist_ok=True)
size, max_tokens = 112, 8
tokens = ['<pad>', '<unk>', 'is', 'it', 'liver', 'bright']
answers = ['dark', 'bright', 'liver']
liver_id = tokens.index('liver')


def const(name, value, dtype=np.float32):
    return helper.make_node('Constant', [], [name], value=helper.make_tensor(name + '_value', TensorProto.FLOAT if dtype == np.float32 else TensorProto.INT64, np.shape(value), np.asarray(value, dtype).ravel().tolist()))


nodes = [
    const('shape1', [1, 1], np.int64),
    const('half', [0.5]), const('twenty', [20.0]), const('six', [6.0]),
    helper.make_node('ReduceMean', ['image'], ['mean4d'], keepdims=0),
    helper.make_node('Reshape', ['mean4d', 'shape1'], ['mean']),
    helper.make_node('Sub', ['half', 'mean'], ['darkness']),
    helper.make_node('Mul', ['darkness', 'twenty'], ['dark_logit']),
    helper.make_node('Sub', ['mean', 'half'], ['brightness']),
    helper.make_node('Mul', ['brightness', 'twenty'], ['bright_logit']),
    const('first', [0], np.int64), const('one_index', [1], np.int64), const('axis1', [1], np.int64),
    const('liver_id', [liver_id], np.int64),
    helper.make_node('Slice', ['question_tokens', 'first', 'one_index', 'axis1'], ['first_token']),
    helper.make_node('Equal', ['first_token', 'liver_id'], ['is_liver']),
    helper.make_node('Cast', ['is_liver'], ['is_liver_float'], to=TensorProto.FLOAT),
    helper.make_node('Mul', ['is_liver_float', 'six'], ['liver_logit']),
    helper.make_node('Concat', ['dark_logit', 'bright_logit', 'liver_logit'], ['logits'], axis=1),
]
graph = helper.make_graph(
    nodes, 'tiny_vqa',
    [helper.make_tensor_value_info('image', TensorProto.FLOAT, [1, 1, size, size]),
     helper.make_tensor_value_info('question_tokens', TensorProto.INT64, [1, max_tokens])],
    [helper.make_tensor_value_info('logits', TensorProto.FLOAT, [1, len(answers)])],
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
model.ir_version = 8
onnx.checker.check_model(model)
files = {
    'vqa.onnx': model.SerializeToString(),
    'answers.json': json.dumps(answers).encode(),
    'vocabulary.json': json.dumps({'kind': 'word-regex', 'lowercase': True, 'pattern': '[a-z0-9]+', 'maxTokens': max_tokens, 'padId': 0,
                                   'unknownId': 1, 'padding': 'right', 'truncation': 'keep-first', 'tokens': tokens}).encode(),
}
for name, data in files.items():
    with open(os.path.join(out_dir, name), 'wb') as f:
        f.write(data)
manifest = {
    'schemaVersion': 1, 'id': 'test-vqa', 'name': 'Test VQA', 'version': '0.0.1', 'license': 'test only',
    'provenance': {'trainingData': ['none: weights set by hand'], 'codeRevision': 'test', 'date': '2026-11-22'},
    'tasks': [{
        'id': 'vqa-closed', 'kind': 'vqa-closed', 'label': 'Test closed VQA', 'graphs': ['vqa.onnx'],
        'inputs': [{'name': 'image', 'dataType': 'float32', 'shape': [1, 1, size, size]},
                   {'name': 'question_tokens', 'dataType': 'int64', 'shape': [1, max_tokens]}],
        'outputs': [{'name': 'logits', 'dataType': 'float32', 'shape': [1, len(answers)]}],
        'accepts': {'modalities': ['CT', 'MR']},
        'preprocessing': {'modalityLut': False, 'normalization': {'kind': 'fixed-scale', 'scale': 1 / 255, 'offset': 0},
                          'size': {'kind': 'resize', 'width': size, 'height': size}, 'channels': 1},
        'vqa': {'answersFile': 'answers.json', 'questionVocabularyFile': 'vocabulary.json', 'maxQuestionTokens': max_tokens, 'abstainBelow': 0.9},
    }],
    'files': [{'path': name, 'bytes': len(data), 'sha256': hashlib.sha256(data).hexdigest()} for name, data in files.items()],
}
with open(os.path.join(out_dir, 'manifest.json'), 'w') as f:
    json.dump(manifest, f, indent=2)

results = []
for case in json.load(open(cases_path)):
    if case.get('file'):
        # As training read its images: Pillow's decoder, then convert('L').
        image = np.asarray(Image.open(case['file']).convert('L'), dtype=np.uint8)
    else:
        image = np.asarray(case['pixels'], dtype=np.uint8).reshape(case['height'], case['width'])
    resized = np.asarray(Image.fromarray(image, 'L').resize((size, size), Image.BILINEAR), dtype=np.float64) / 255
    mean = resized.mean()
    words = re.findall('[a-z0-9]+', case['question'].lower())
    first = tokens.index(words[0]) if words and words[0] in tokens else (1 if words else 0)
    logits = np.array([20 * (0.5 - mean), 20 * (mean - 0.5), 6.0 if first == liver_id else 0.0])
    probabilities = np.exp(logits - logits.max()) / np.exp(logits - logits.max()).sum()
    results.append({'answer': answers[int(probabilities.argmax())], 'probabilities': probabilities.tolist(),
                    'pilResized': resized.ravel().round(6).tolist() if case.get('returnResized') else None})
print(json.dumps({'cases': results}))
