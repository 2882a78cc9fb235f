"""assistant_server/trusted_models.py: a model loads only with the checksum `make train` wrote."""
import hashlib
import os

from assistant_server.trusted_models import is_trusted, resolved_model_file


def model_with_checksum(folder, name="candidacy.tar.gz", content=b"a model", checksum=None):
    model = folder / name
    model.write_bytes(content)
    (folder / (name + ".sha256")).write_text((checksum or hashlib.sha256(content).hexdigest()) + "\n")
    return model


def test_a_model_with_its_checksum_is_trusted(tmp_path):
    assert is_trusted(model_with_checksum(tmp_path))


def test_a_changed_model_or_a_missing_or_wrong_checksum_is_not(tmp_path):
    model = model_with_checksum(tmp_path)
    model.write_bytes(b"another model")
    assert not is_trusted(model)
    assert not is_trusted(model_with_checksum(tmp_path, "other.tar.gz", checksum="0" * 64))
    (tmp_path / "bare.tar.gz").write_bytes(b"x")
    assert not is_trusted(tmp_path / "bare.tar.gz")
    assert not is_trusted(tmp_path / "missing.tar.gz")


def test_a_folder_means_its_newest_model_as_rasa_reads_it(tmp_path):
    old = model_with_checksum(tmp_path, "old.tar.gz")
    new = model_with_checksum(tmp_path, "new.tar.gz")
    os.utime(old, (1, 1))
    assert resolved_model_file(str(tmp_path)) == new
    assert resolved_model_file(str(new)) == new
