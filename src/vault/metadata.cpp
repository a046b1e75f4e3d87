#include "vault/metadata.h"

#include <magic.h>

#include <exiv2/exiv2.hpp>
#include <memory>

namespace athar::vault {

namespace {

std::string media_type_of(const std::filesystem::path& file) {
  std::unique_ptr<magic_set, decltype(&magic_close)> magic(magic_open(MAGIC_MIME_TYPE),
                                                           &magic_close);
  if (!magic || magic_load(magic.get(), nullptr) != 0) return "application/octet-stream";
  const char* type = magic_file(magic.get(), file.c_str());
  return type ? type : "application/octet-stream";
}

// "2024:12:17 09:41:05" (EXIF) -> "2024-12-17T09:41:05".
std::string exif_time(std::string text) {
  if (text.size() >= 19 && text[4] == ':' && text[7] == ':' && text[10] == ' ') {
    text[4] = '-';
    text[7] = '-';
    text[10] = 'T';
    return text.substr(0, 19);
  }
  return text;
}

// Degrees from an EXIF GPS rational triple and its N/S/E/W reference.
std::optional<double> gps_degrees(const Exiv2::ExifData& exif, const char* key,
                                  const char* ref_key) {
  const auto value = exif.findKey(Exiv2::ExifKey(key));
  if (value == exif.end() || value->count() != 3) return std::nullopt;
  double degrees = 0, scale = 1;
  for (long i = 0; i < 3; ++i, scale *= 60) {
    const Exiv2::Rational r = value->toRational(i);
    if (r.second == 0) return std::nullopt;
    degrees += static_cast<double>(r.first) / static_cast<double>(r.second) / scale;
  }
  const auto ref = exif.findKey(Exiv2::ExifKey(ref_key));
  if (ref != exif.end()) {
    const std::string r = ref->toString();
    if (r == "S" || r == "W") degrees = -degrees;
  }
  return degrees;
}

}  // namespace

FileMetadata read_metadata(const std::filesystem::path& file) {
  FileMetadata m;
  m.media_type = media_type_of(file);
  m.embedded = core::OrderedJson::object();
  try {
    auto image = Exiv2::ImageFactory::open(file.string());
    if (!image.get()) return m;
    image->readMetadata();
    const Exiv2::ExifData& exif = image->exifData();
    for (const auto& datum : exif) {
      if (datum.size() > 256) continue;  // thumbnails and maker blobs
      m.embedded[datum.key()] = datum.toString();
    }
    for (const auto& datum : image->xmpData()) m.embedded[datum.key()] = datum.toString();
    for (const char* key : {"Exif.Photo.DateTimeOriginal", "Exif.Image.DateTime"}) {
      const auto t = exif.findKey(Exiv2::ExifKey(key));
      if (t != exif.end()) {
        m.captured_at = exif_time(t->toString());
        break;
      }
    }
    if (m.captured_at.empty()) {
      const auto t = image->xmpData().findKey(Exiv2::XmpKey("Xmp.xmp.CreateDate"));
      if (t != image->xmpData().end()) m.captured_at = t->toString();
    }
    m.latitude = gps_degrees(exif, "Exif.GPSInfo.GPSLatitude", "Exif.GPSInfo.GPSLatitudeRef");
    m.longitude = gps_degrees(exif, "Exif.GPSInfo.GPSLongitude", "Exif.GPSInfo.GPSLongitudeRef");
    if (!m.latitude || !m.longitude) m.latitude = m.longitude = std::nullopt;
    std::string make, model;
    if (auto v = exif.findKey(Exiv2::ExifKey("Exif.Image.Make")); v != exif.end())
      make = v->toString();
    if (auto v = exif.findKey(Exiv2::ExifKey("Exif.Image.Model")); v != exif.end())
      model = v->toString();
    m.device = make.empty() ? model : model.empty() ? make : make + " " + model;
  } catch (const Exiv2::AnyError&) {
    // Not an image format exiv2 knows, or damaged metadata: the file has no readable metadata.
  }
  return m;
}

}  // namespace athar::vault
