namespace Sluice.Media.Codecs;

/// <summary>What a sequence parameter set says about the pictures.</summary>
/// <param name="Width">Width after cropping (conformance window), pixels.</param>
/// <param name="Height">Height after cropping, pixels.</param>
/// <param name="ProfileIdc">profile_idc / general_profile_idc.</param>
/// <param name="LevelIdc">level_idc / general_level_idc.</param>
/// <param name="ProfileName">Profile name as ffprobe prints it.</param>
/// <param name="ChromaFormatIdc">0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4.</param>
/// <param name="BitDepth">Luma bit depth.</param>
public readonly record struct SpsInfo(int Width, int Height, int ProfileIdc, int LevelIdc, string ProfileName, int ChromaFormatIdc, int BitDepth);
