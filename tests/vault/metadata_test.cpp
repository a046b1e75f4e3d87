#include "vault/metadata.h"

#include <gtest/gtest.h>

#include <exiv2/exiv2.hpp>

#include "test_support.h"

namespace athar::vault {
namespace {

const std::filesystem::path kPhoto =
    std::filesystem::path(ATHAR_SOURCE_DIR) / "tests/vault/data/photo.jpg";

TEST(Metadata, ReadsCaptureTimeGpsAndDevice) {
  testing::ScratchDir dir;
  const auto copy = dir.path() / "photo.jpg";
  std::filesystem::copy_file(kPhoto, copy);
  {
    auto image = Exiv2::ImageFactory::open(copy.string());
    image->readMetadata();
    Exiv2::ExifData& exif = image->exifData();
    exif["Exif.Image.Make"] = "DemoCam";
    exif["Exif.Image.Model"] = "X-1";
    exif["Exif.Photo.DateTimeOriginal"] = "2024:12:17 09:41:05";
    exif["Exif.GPSInfo.GPSLatitudeRef"] = "N";
    exif["Exif.GPSInfo.GPSLatitude"] = "33/1 44/1 1896/100";  // 33° 44' 18.96"
    exif["Exif.GPSInfo.GPSLongitudeRef"] = "E";
    exif["Exif.GPSInfo.GPSLongitude"] = "36/1 36/1 288/100";
    image->writeMetadata();
  }
  const FileMetadata m = read_metadata(copy);
  EXPECT_EQ(m.media_type, "image/jpeg");
  EXPECT_EQ(m.captured_at, "2024-12-17T09:41:05");
  ASSERT_TRUE(m.latitude && m.longitude);
  EXPECT_NEAR(*m.latitude, 33.7386, 1e-6);
  EXPECT_NEAR(*m.longitude, 36.6008, 1e-6);
  EXPECT_EQ(m.device, "DemoCam X-1");
  EXPECT_EQ(m.embedded["Exif.Image.Make"], "DemoCam");
}

TEST(Metadata, FilesWithoutMetadataHaveNone) {
  testing::ScratchDir dir;
  EXPECT_EQ(read_metadata(kPhoto).captured_at, "");
  const auto text = dir.write("notes.txt", "plain text\n");
  const FileMetadata m = read_metadata(text);
  EXPECT_EQ(m.media_type, "text/plain");
  EXPECT_FALSE(m.latitude);
  EXPECT_TRUE(m.embedded.empty());
  // Damaged JPEG: metadata reading must not throw.
  const auto broken = dir.write("broken.jpg", std::string("\xFF\xD8\xFF\xE1\x00\x10garbage", 14));
  EXPECT_NO_THROW(read_metadata(broken));
}

}  // namespace
}  // namespace athar::vault
