"""Write a tiny Pascal VOC tree in the official layout, for tests.

:func:`write_voc` writes, below ``root``::

    Annotations/<id>.xml        real VOC annotation XML
    ImageSets/Main/<split>.txt  one image id per line
    JPEGImages/<id>.jpg         a small JPEG (quality 100)

and returns what a reader must find: per image, the classes with at least one
non-difficult object, the classes present only through difficult objects, and
the decoded pixels.

JPEG is lossy, so the returned ``image`` is ``cv2.imread`` of the written file
(BGR, ``uint8``): mmcv's ``LoadImageFromFile`` decodes with the same cv2
decoder, so a loaded image must equal it exactly. ``drawn`` is the array that
was encoded; at quality 100 the smooth test images survive within a few grey
levels, which tells images of different ids apart.
"""
import os
import os.path as osp
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np
from mmpretrain.datasets.categories import VOC2007_CATEGORIES

#: An object of an annotation: ``(class name, difficult)``.
VOCObject = Tuple[str, bool]

#: Objects given to ids that :func:`write_voc` gets no objects for, in turn.
DEFAULT_OBJECTS: Tuple[Tuple[VOCObject, ...], ...] = (
    (('dog', False), ('person', False), ('car', True)),
    (('cat', True), ),
    (('person', False), ('person', True), ('bottle', False), ('car', False)),
    (('aeroplane', False), ),
)


@dataclass
class VOCFixtureImage:
    """What :func:`write_voc` wrote for one image id.

    Attributes:
        img_path (str): Path of the JPEG.
        xml_path (str): Path of the annotation.
        objects (tuple): The ``(class name, difficult)`` pairs written.
        labels (list[int]): Sorted indices (in ``VOC2007_CATEGORIES``) of the
            classes with at least one non-difficult object.
        difficult_only (list[int]): Sorted indices of the classes whose
            objects are all difficult.
        drawn (np.ndarray): The BGR ``uint8`` array that was encoded.
        image (np.ndarray): ``cv2.imread`` of the written JPEG.
    """
    img_path: str
    xml_path: str
    objects: Tuple[VOCObject, ...]
    labels: List[int]
    difficult_only: List[int]
    drawn: np.ndarray
    image: np.ndarray


def annotation_xml(
    img_id: str,
    objects: Sequence[VOCObject],
    size: Tuple[int, int] = (24, 32)) -> ET.Element:
    """Build the ``<annotation>`` element of one image, as in VOC2007.

    Args:
        img_id (str): Image id, e.g. ``'000005'``.
        objects (Sequence[VOCObject]): ``(class name, difficult)`` pairs.
        size (tuple[int, int]): Image ``(height, width)``.

    Returns:
        ET.Element: The annotation root.
    """
    height, width = size
    root = ET.Element('annotation')
    ET.SubElement(root, 'folder').text = 'VOC2007'
    ET.SubElement(root, 'filename').text = f'{img_id}.jpg'
    source = ET.SubElement(root, 'source')
    ET.SubElement(source, 'database').text = 'The VOC2007 Database'
    size_el = ET.SubElement(root, 'size')
    ET.SubElement(size_el, 'width').text = str(width)
    ET.SubElement(size_el, 'height').text = str(height)
    ET.SubElement(size_el, 'depth').text = '3'
    ET.SubElement(root, 'segmented').text = '0'
    for i, (name, difficult) in enumerate(objects):
        obj = ET.SubElement(root, 'object')
        ET.SubElement(obj, 'name').text = name
        ET.SubElement(obj, 'pose').text = 'Unspecified'
        ET.SubElement(obj, 'truncated').text = '0'
        ET.SubElement(obj, 'difficult').text = str(int(difficult))
        box = ET.SubElement(obj, 'bndbox')
        for key, value in (('xmin', 1 + i), ('ymin', 1 + i),
                           ('xmax', width - i), ('ymax', height - i)):
            ET.SubElement(box, key).text = str(value)
    ET.indent(root)
    return root


def draw_image(index: int, size: Tuple[int, int] = (24, 32)) -> np.ndarray:
    """A smooth BGR image whose colour depends on ``index``.

    Args:
        index (int): Position of the image among all written ones.
        size (tuple[int, int]): ``(height, width)``.

    Returns:
        np.ndarray: ``uint8`` array of shape ``(height, width, 3)``.
    """
    height, width = size
    rows = np.linspace(0, 60, height)[:, None]
    cols = np.linspace(0, 60, width)[None, :]
    base = np.array([40 + 50 * (index % 4), 90, 200 - 40 * (index % 5)])
    slope = np.array([1, -1, 0])
    image = base + rows[..., None] + cols[..., None] * slope
    return np.clip(image, 0, 255).astype(np.uint8)


def write_voc(
        root: str,
        ids_by_split: Dict[str, Sequence[str]],
        objects_by_id: Optional[Dict[str, Sequence[VOCObject]]] = None,
        size: Tuple[int, int] = (24, 32),
) -> Dict[str, VOCFixtureImage]:
    """Write a VOC tree (XML, split lists, JPEGs) below ``root``.

    Args:
        root (str): The year folder, e.g. ``<tmp>/VOCdevkit/VOC2007``.
        ids_by_split (dict[str, Sequence[str]]): Ids listed in
            ``ImageSets/Main/<split>.txt``, e.g.
            ``{'trainval': ['000005'], 'test': ['000001']}``.
        objects_by_id (dict, optional): ``(class name, difficult)`` pairs per
            id. Ids not in it get :data:`DEFAULT_OBJECTS` in turn, in order
            of first appearance. Defaults to None.
        size (tuple[int, int]): Image ``(height, width)``. Defaults to
            ``(24, 32)``.

    Returns:
        dict[str, VOCFixtureImage]: What was written, by image id.
    """
    objects_by_id = dict(objects_by_id or {})
    for sub in ('Annotations', osp.join('ImageSets', 'Main'), 'JPEGImages'):
        os.makedirs(osp.join(root, sub), exist_ok=True)

    written: Dict[str, VOCFixtureImage] = {}
    for split, ids in ids_by_split.items():
        with open(osp.join(root, 'ImageSets', 'Main', f'{split}.txt'),
                  'w') as f:
            f.writelines(f'{img_id}\n' for img_id in ids)
        for img_id in ids:
            if img_id in written:
                continue
            index = len(written)
            objects = tuple(
                objects_by_id.get(
                    img_id, DEFAULT_OBJECTS[index % len(DEFAULT_OBJECTS)]))
            written[img_id] = _write_image(root, img_id, index, objects, size)
    return written


def _write_image(root: str, img_id: str, index: int, objects: Tuple[VOCObject,
                                                                    ...],
                 size: Tuple[int, int]) -> VOCFixtureImage:
    """Write the XML and JPEG of one id; see :func:`write_voc`."""
    xml_path = osp.join(root, 'Annotations', f'{img_id}.xml')
    ET.ElementTree(annotation_xml(img_id, objects, size)).write(xml_path)

    img_path = osp.join(root, 'JPEGImages', f'{img_id}.jpg')
    drawn = draw_image(index, size)
    assert cv2.imwrite(img_path, drawn, [cv2.IMWRITE_JPEG_QUALITY, 100])

    present = {VOC2007_CATEGORIES.index(name) for name, _ in objects}
    labels = {
        VOC2007_CATEGORIES.index(name)
        for name, difficult in objects if not difficult
    }
    return VOCFixtureImage(
        img_path=img_path,
        xml_path=xml_path,
        objects=objects,
        labels=sorted(labels),
        difficult_only=sorted(present - labels),
        drawn=drawn,
        image=cv2.imread(img_path))
