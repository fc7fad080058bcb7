#!/usr/bin/python3
"""Regenerate the atlas/template assets on the CAT12 1.5 mm MNI grid from Debian's mricron-data.

One-off asset generator (the app and tests never run Python). Usage, from the repository root:

    /usr/bin/python3 scripts/make_assets.py

Needs apt-get (download only, nothing is installed), dpkg-deb, numpy, scipy, nibabel.
Writes public/atlas/aal.nii.gz, public/atlas/aal.json, public/template/colin27_t1.nii.gz,
public/template/colin27_brain.nii.gz, and prints the package version for public/NOTICE-assets.md.
"""
import glob
import gzip
import json
import os
import struct
import subprocess
import sys

import nibabel as nib
import numpy as np
from scipy.ndimage import map_coordinates

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = '/tmp/relevance-viewer-mricron'

# CAT12 / SPM 1.5 mm MNI grid (docs/model-grid.md): x = -1.5 i + 90, y = 1.5 j - 126, z = 1.5 k - 72.
GRID_DIMS = (121, 145, 121)
GRID_AFFINE = np.array([[-1.5, 0, 0, 90], [0, 1.5, 0, -126], [0, 0, 1.5, -72], [0, 0, 0, 1]], dtype=float)
NIFTI_XFORM_MNI_152 = 4


def fetch_package():
    """apt-get download + dpkg -x into /tmp; returns (templates dir, version, deb path)."""
    os.makedirs(WORK, exist_ok=True)
    debs = glob.glob(os.path.join(WORK, 'mricron-data_*.deb'))
    if not debs:
        subprocess.run(['apt-get', 'download', 'mricron-data'], cwd=WORK, check=True)
        debs = glob.glob(os.path.join(WORK, 'mricron-data_*.deb'))
    deb = sorted(debs)[-1]
    x = os.path.join(WORK, 'x')
    if not os.path.isdir(os.path.join(x, 'usr/share/mricron/templates')):
        subprocess.run(['dpkg', '-x', deb, x], check=True)
    version = subprocess.run(['dpkg-deb', '-f', deb, 'Version'], capture_output=True, text=True, check=True).stdout.strip()
    return os.path.join(x, 'usr/share/mricron/templates'), version, deb


def source_coords(img):
    """Voxel coordinates in `img` of every CAT12 grid voxel centre, through world mm (image's own affine)."""
    i, j, k = np.meshgrid(*[np.arange(n) for n in GRID_DIMS], indexing='ij')
    ijk1 = np.stack([i.ravel(), j.ravel(), k.ravel(), np.ones(i.size)])
    world = GRID_AFFINE @ ijk1
    src = np.linalg.inv(img.affine) @ world
    return src[:3]


def resample(img, order):
    data = np.asarray(img.dataobj, dtype=np.float64)  # raw stored values (mricron files have no scaling)
    vals = map_coordinates(data, source_coords(img), order=order, mode='constant', cval=0.0)
    return vals.reshape(GRID_DIMS)


def with_unit_scaling(nifti_bytes):
    """Set scl_slope = 1, scl_inter = 0 explicitly (nibabel writes NaN, meaning 'no scaling', for uint8)."""
    b = bytearray(nifti_bytes)
    assert struct.unpack_from('<i', b, 0)[0] == 348  # little-endian NIfTI-1 header
    struct.pack_into('<ff', b, 112, 1.0, 0.0)  # scl_slope, scl_inter
    return bytes(b)


def save_uint8(arr, path):
    out = nib.Nifti1Image(arr.astype(np.uint8), GRID_AFFINE)
    h = out.header
    h.set_data_dtype(np.uint8)
    out.set_sform(GRID_AFFINE, code=NIFTI_XFORM_MNI_152)
    out.set_qform(GRID_AFFINE, code=NIFTI_XFORM_MNI_152)
    h.set_xyzt_units('mm')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # Best gzip level and a fixed mtime: smaller files, and a rerun gives byte-identical output.
    with open(path, 'wb') as f:
        f.write(gzip.compress(with_unit_scaling(out.to_bytes()), compresslevel=9, mtime=0))
    back = nib.load(path)
    assert np.allclose(back.header.get_qform(), GRID_AFFINE, atol=1e-5), back.header.get_qform()
    assert np.allclose(back.header.get_sform(), GRID_AFFINE, atol=1e-6)
    assert back.shape == GRID_DIMS
    # nibabel moves scaling into the array proxy on load, so read the stored header bytes.
    with gzip.open(path) as g:
        assert struct.unpack_from('<ff', g.read(348), 112) == (1.0, 0.0)
    assert back.dataobj.slope == 1.0 and back.dataobj.inter == 0.0
    print(f'wrote {os.path.relpath(path, ROOT)}: {os.path.getsize(path) // 1024} KB, range {arr.min()}..{arr.max()}')


def to_uint8(vals):
    return np.clip(np.rint(vals), 0, 255).astype(np.uint8)


def main():
    tdir, version, deb = fetch_package()
    print(f'mricron-data {version} ({os.path.basename(deb)})')

    # AAL labels: nearest neighbour (scipy order 0 rounds halves up).
    aal = nib.load(os.path.join(tdir, 'aal.nii.gz'))
    labels = resample(aal, order=0)
    save_uint8(to_uint8(labels), os.path.join(ROOT, 'public/atlas/aal.nii.gz'))

    regions = []
    with open(os.path.join(tdir, 'aal.nii.txt'), encoding='latin-1') as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            regions.append({'index': int(parts[0]), 'name': parts[1], 'code': int(parts[2])})
    assert len(regions) == 116, len(regions)
    present = set(np.unique(labels).astype(int)) - {0}
    missing = [r['name'] for r in regions if r['index'] not in present]
    if missing:
        print('warning: regions lost on the 1.5 mm grid:', missing, file=sys.stderr)
    with open(os.path.join(ROOT, 'public/atlas/aal.json'), 'w') as f:
        f.write('[\n' + ',\n'.join('  ' + json.dumps(r) for r in regions) + '\n]\n')
    print(f'wrote public/atlas/aal.json: {len(regions)} regions')

    # Colin27 T1 (whole head) and brain-extracted: trilinear, raw uint8 intensities kept.
    for src, dst in [('ch2.nii.gz', 'colin27_t1.nii.gz'), ('ch2bet.nii.gz', 'colin27_brain.nii.gz')]:
        img = nib.load(os.path.join(tdir, src))
        save_uint8(to_uint8(resample(img, order=1)), os.path.join(ROOT, 'public/template', dst))


if __name__ == '__main__':
    main()
