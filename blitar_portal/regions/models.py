"""Administrative areas of Kabupaten Blitar (Kemendagri codes, SRID 4326)."""

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class Regency(models.Model):
    """The regency outline: the union of its kecamatan (one row)."""

    code = models.CharField(_("kode Kemendagri"), max_length=8, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    geom = models.MultiPolygonField(_("batas wilayah"), srid=4326)
    area_km2 = models.FloatField(_("luas (km²)"), default=0)

    class Meta:
        verbose_name = _("kabupaten")
        verbose_name_plural = _("kabupaten")

    def __str__(self):
        return self.name


class Kecamatan(models.Model):
    code = models.CharField(_("kode Kemendagri"), max_length=8, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    slug = models.SlugField(_("slug (alamat halaman)"), max_length=100, unique=True)
    geom = models.MultiPolygonField(_("batas wilayah"), srid=4326, spatial_index=True)
    area_km2 = models.FloatField(_("luas (km²)"), default=0, help_text=_("Luas dihitung di UTM 49S (EPSG:32749)."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("kecamatan")
        verbose_name_plural = _("kecamatan")

    def __str__(self):
        return self.name


class Desa(models.Model):
    class Kind(models.TextChoices):
        DESA = "Desa", _("Desa")
        KELURAHAN = "Kelurahan", _("Kelurahan")

    code = models.CharField(_("kode Kemendagri"), max_length=13, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    kecamatan = models.ForeignKey(
        Kecamatan, verbose_name=_("kecamatan"), on_delete=models.PROTECT, related_name="desa_set"
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices, default=Kind.DESA)
    geom = models.MultiPolygonField(_("batas wilayah"), srid=4326, spatial_index=True)
    area_km2 = models.FloatField(_("luas (km²)"), default=0)

    class Meta:
        ordering = ["kecamatan__name", "name"]
        verbose_name = _("desa/kelurahan")
        verbose_name_plural = _("desa/kelurahan")

    def __str__(self):
        return f"{self.name}, {self.kecamatan.name}" if self.kecamatan_id else self.name
