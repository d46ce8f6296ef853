#include "storage/log_address.h"

#include <bit>

namespace ferrite {

Status LogGeometry::Validate() const {
  if (page_bits < kMinPageBits || page_bits > kMaxPageBits) {
    return Status::InvalidArgument("log page size 2^" + std::to_string(page_bits) +
                                   " is outside 4 KiB..64 MiB");
  }
  if (segment_bits < page_bits || segment_bits > kMaxSegmentBits) {
    return Status::InvalidArgument("log segment size 2^" + std::to_string(segment_bits) +
                                   " must be a multiple of the page size (2^" +
                                   std::to_string(page_bits) + ") and at most 1 TiB");
  }
  return Status::Ok();
}

Result<LogGeometry> LogGeometry::FromSizes(uint64_t page_size, uint64_t segment_size) {
  if (!std::has_single_bit(page_size)) {
    return Status::InvalidArgument("log page size " + std::to_string(page_size) +
                                   " is not a power of two");
  }
  if (!std::has_single_bit(segment_size)) {
    return Status::InvalidArgument("log segment size " + std::to_string(segment_size) +
                                   " is not a power of two");
  }
  LogGeometry geometry{static_cast<uint32_t>(std::countr_zero(page_size)),
                       static_cast<uint32_t>(std::countr_zero(segment_size))};
  if (Status status = geometry.Validate(); !status.ok()) return status;
  return geometry;
}

std::string LogGeometry::ToString() const {
  return "page=" + std::to_string(page_size()) + " segment=" + std::to_string(segment_size());
}

}  // namespace ferrite
