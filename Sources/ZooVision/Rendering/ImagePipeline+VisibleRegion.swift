extension ImagePipeline {
    /// The part of a `width` x `height` photo the model sees, in the photo's pixels: all of it
    /// for a plain resize, the centred square that survives the crop for torchvision's
    /// resize + center crop. Maps are drawn over this region.
    public func visibleRegion(width: Int, height: Int) -> (x: Int, y: Int, width: Int, height: Int) {
        switch geometry {
        case .resize:
            return (0, 0, width, height)
        case let .shorterSideAndCenterCrop(size, crop, _):
            let scale = Double(min(width, height)) / Double(size)
            let w = min(width, Int((Double(crop) * scale).rounded())), h = min(height, Int((Double(crop) * scale).rounded()))
            return ((width - w) / 2, (height - h) / 2, w, h)
        }
    }

    /// The visible region of `photo`, scaled (bilinear) so its longer side is `longSide` pixels.
    public func displayed(_ photo: RGBImage, longSide: Int) -> RGBImage {
        let r = visibleRegion(width: photo.width, height: photo.height)
        let region = photo.cropped(x: r.x, y: r.y, width: r.width, height: r.height)
        let scale = Double(longSide) / Double(max(region.width, region.height, 1))
        return region.resized(width: max(1, Int((Double(region.width) * scale).rounded())),
                              height: max(1, Int((Double(region.height) * scale).rounded())), filter: .bilinear)
    }
}
