// What a file says about itself: its media type (libmagic) and embedded EXIF/XMP metadata
// (libexiv2): capture time, GPS position, device.
//
//   FileMetadata m = read_metadata("IMG_0042.jpg");
//   m.media_type;   // "image/jpeg"
//   m.captured_at;  // "2024-12-17T09:41:05" (camera clock, no time zone)
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/json.h"

namespace athar::vault {

struct FileMetadata {
  std::string media_type;
  std::string captured_at;  // ISO 8601 local time as the device wrote it, "" when absent
  std::optional<double> latitude, longitude;
  std::string device;          // make and model
  core::OrderedJson embedded;  // every EXIF and XMP tag read, key -> text
};

// Never throws for unreadable or foreign metadata: a file with none simply has none.
FileMetadata read_metadata(const std::filesystem::path& file);

}  // namespace athar::vault
