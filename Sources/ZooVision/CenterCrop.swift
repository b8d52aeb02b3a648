extension RGBImage {
    /// The `width` x `height` rectangle whose top-left corner is (`x`, `y`). Parts outside
    /// the image are black, as with PIL's `Image.crop`.
    public func cropped(x: Int, y: Int, width: Int, height: Int) -> RGBImage {
        precondition(width >= 0 && height >= 0, "crop to \(width)x\(height)")
        var out = RGBImage(width: width, height: height)
        let x0 = max(x, 0), x1 = min(x + width, self.width)
        guard x0 < x1 else { return out }
        let rowBytes = (x1 - x0) * 3
        for row in max(y, 0)..<max(min(y + height, self.height), max(y, 0)) {
            let s = (row * self.width + x0) * 3
            let d = ((row - y) * width + (x0 - x)) * 3
            out.pixels.replaceSubrange(d..<(d + rowBytes), with: pixels[s..<(s + rowBytes)])
        }
        return out
    }

    /// The centred `width` x `height` crop, as torchvision's `CenterCrop`: offsets are
    /// `round((size - crop) / 2)` with Python's round-half-to-even, and a crop larger than the
    /// image pads it with black first.
    public func centerCropped(width: Int, height: Int) -> RGBImage {
        precondition(width > 0 && height > 0, "center crop to \(width)x\(height): sizes must be positive")
        var image = self
        if width > image.width || height > image.height {
            // torchvision pads left/top by (crop - size) // 2 and right/bottom by the rest.
            let padX = width > image.width ? (width - image.width) / 2 : 0
            let padY = height > image.height ? (height - image.height) / 2 : 0
            image = image.cropped(x: -padX, y: -padY, width: max(width, image.width), height: max(height, image.height))
            if image.width == width && image.height == height { return image }
        }
        let top = Int((Double(image.height - height) / 2).rounded(.toNearestOrEven))
        let left = Int((Double(image.width - width) / 2).rounded(.toNearestOrEven))
        return image.cropped(x: left, y: top, width: width, height: height)
    }

    /// Shorter side to `size`, then the centred `crop` x `crop`: torchvision's
    /// `Resize(size)` + `CenterCrop(crop)` (256 and 224 for the ImageNet models).
    /// When the crop fits inside the resized image, only the cropped window is resized: the
    /// same bytes, in memory bounded by the crop rather than by the image's aspect ratio.
    public func resizedAndCenterCropped(shorterSide size: Int, crop: Int, filter: ResizeFilter = .bilinear) -> RGBImage {
        let (w, h) = Self.shorterSideSize(width: width, height: height, to: size)
        guard crop > 0, crop <= w, crop <= h, (w, h) != (width, height) else {
            return resized(shorterSide: size, filter: filter).centerCropped(width: crop, height: crop)
        }
        let top = Int((Double(h - crop) / 2).rounded(.toNearestOrEven))
        let left = Int((Double(w - crop) / 2).rounded(.toNearestOrEven))
        return resizedWindow(width: w, height: h, columns: left..<(left + crop), rows: top..<(top + crop), filter: filter)
    }
}
